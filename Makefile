# kiln: `make` builds, `make demo` boots the hello template, `make test` tests.
# Everything it needs from Debian comes through `make deps` (.ci/deps).

CC ?= cc
MUSL_CC ?= musl-gcc
BUILD := build
WARN := -Wall -Wextra -Werror
CFLAGS ?= -O2 -g
HOST_CFLAGS := -std=c11 $(WARN) -D_GNU_SOURCE -Iinclude -Imonitor -Ibuilder -Icmd -MMD -MP
HOST_LIBS := -lelf -lseccomp

# The runtime runs inside the guest: freestanding, no SSE (the SYSCALL
# bounce does not save vector state, so the layer must not touch it).
RUNTIME_CFLAGS := -std=c11 $(WARN) -O2 -g -Iinclude -ffile-prefix-map=$(CURDIR)=. -ffreestanding -fno-pic -fno-pie \
	-fno-stack-protector -mgeneral-regs-only -fno-asynchronous-unwind-tables -MMD -MP

MONITOR_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(wildcard monitor/*.c))
BUILDER_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(wildcard builder/*.c))
CMD_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(filter-out cmd/main.c,$(wildcard cmd/*.c)))
LIB_OBJ := $(MONITOR_OBJ) $(BUILDER_OBJ) $(CMD_OBJ)
RUNTIME_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(wildcard runtime/*.c)) \
	$(patsubst %.S,$(BUILD)/%.o,$(wildcard runtime/*.S))
UNIT_SRC := $(wildcard tests/unit/*.c)

KILN := $(BUILD)/kiln
RUNTIME := $(BUILD)/runtime/libkiln.a $(BUILD)/runtime/kiln.ld

.PHONY: all deps demo test unit e2e clean format
all: $(KILN) $(RUNTIME)

deps:
	@.ci/deps

$(KILN): $(BUILD)/cmd/main.o $(LIB_OBJ)
	$(CC) $(CFLAGS) -o $@ $^ $(HOST_LIBS)

$(BUILD)/monitor/%.o $(BUILD)/builder/%.o $(BUILD)/cmd/%.o: CC_FLAGS = $(CFLAGS) $(HOST_CFLAGS)
$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CC_FLAGS) -c -o $@ $<

$(BUILD)/runtime/%.o: runtime/%.c
	@mkdir -p $(@D)
	$(MUSL_CC) $(RUNTIME_CFLAGS) -c -o $@ $<

$(BUILD)/runtime/%.o: runtime/%.S
	@mkdir -p $(@D)
	$(MUSL_CC) -Iinclude -Iruntime -MMD -MP -c -o $@ $<

$(BUILD)/runtime/libkiln.a: $(RUNTIME_OBJ)
	@rm -f $@
	ar rcsD $@ $^

$(BUILD)/runtime/kiln.ld: runtime/kiln.ld
	@mkdir -p $(@D)
	cp $< $@

$(BUILD)/tests/unit: $(UNIT_SRC) $(LIB_OBJ)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(HOST_CFLAGS) -o $@ $(filter %.c %.o,$^) $(HOST_LIBS) -lcriterion

demo: deps all
	@tests/kvm-path demo tests/demo

unit: $(BUILD)/tests/unit
	$(BUILD)/tests/unit

e2e: all
	@tests/kvm-path bats tests/e2e

test: deps all unit e2e

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
