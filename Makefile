# kiln: `make` builds, `make demo` boots the hello template, `make test` tests.
# Everything it needs from Debian comes through `make deps` (.ci/deps).

CC ?= cc
MUSL_CC ?= musl-gcc
BUILD := build
WARN := -Wall -Wextra -Werror
CFLAGS ?= -O2 -g
HOST_CFLAGS := -std=c11 $(WARN) -pthread -D_GNU_SOURCE -Iinclude -I. -I$(BUILD)/gen -MMD -MP
# Capstone decodes the program's code for builder/syscall_sites.c.  It
# makes kiln 5 MB larger (Debian's archive has every architecture, and
# cs_open's table links them all); kiln starts as fast, pages load on use.
# nettle: kiln pack's SHA-256 digests (builder/oci_blob.c).
HOST_LIBS := -larchive -ljansson -lnettle -ldw -lelf -lz -lxxhash -lseccomp -lcapstone -pthread
# kiln links statically: a dynamic kiln spent ~250 us per run in the loader
# (ld.so, libelf, libz, libxxhash, libseccomp, relocations): more than a tenth of a boot.
# libmicrohttpd cannot link statically (GnuTLS needs p11-kit's shared
# object), so kiln serve is a second program, kiln-serve, that kiln runs.
# libarchive's tar writer (kiln pack) names a helper that sits beside its
# table of every writer, xar's too, which needs libxml2: --gc-sections
# drops the table and what only it names (kiln asks for no writer by
# name), and made kiln 120 KB smaller besides.
KILN_LDFLAGS := -static -Wl,--gc-sections
# What libarchive's static archive needs (pkg-config --static less
# libxml2): kiln leaves out the xar format, the only one that uses
# libxml2, whose static link brings ICU and made kiln 34 MB larger.
KILN_LIBS := -larchive -lnettle -lacl -llzma -lzstd -llz4 -lbz2 $(HOST_LIBS)
SERVE_LIBS := $(HOST_LIBS) -lmicrohttpd

# The runtime runs inside the guest: freestanding, no SSE (the SYSCALL
# bounce does not save vector state, so the layer must not touch it).  No
# -g: every kiln run app.c hashes the archive and every run the image, and
# debug info made them 242 KB and 144 KB instead of 41 KB and 53 KB.
RUNTIME_CFLAGS := -std=c11 $(WARN) -O2 -Iinclude -ffile-prefix-map=$(CURDIR)=. -ffreestanding -fno-pic -fno-pie \
	-fno-stack-protector -mgeneral-regs-only -fno-asynchronous-unwind-tables -MMD -MP

COMMON_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(wildcard common/*.c))
MONITOR_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(wildcard monitor/*.c))
BUILDER_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(wildcard builder/*.c))
# What only kiln-serve links: serve/ (HTTP on libmicrohttpd, CGI, routes,
# pools) and the subcommand that starts it.
SERVE_SRC := cmd/serve.c cmd/serve_options.c $(wildcard serve/*.c)
SERVE_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(SERVE_SRC))
# What only kiln-oci links: runc's command line over kiln's VMs.
OCI_SRC := cmd/oci_bundle.c cmd/oci_commands.c cmd/oci_console.c cmd/oci_create.c \
	cmd/oci_help.c cmd/oci_log.c cmd/oci_monitor.c cmd/oci_options.c cmd/oci_process.c \
	cmd/oci_state.c
OCI_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(OCI_SRC))
CMD_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(filter-out cmd/main.c cmd/serve_main.c cmd/oci_main.c \
	$(SERVE_SRC) $(OCI_SRC),$(wildcard cmd/*.c)))
LIB_OBJ := $(COMMON_OBJ) $(MONITOR_OBJ) $(BUILDER_OBJ) $(CMD_OBJ)
# ready.c calls musl (kiln serve's snapshot point, before main), so only
# a C program links it: an unmodified Linux program brings its own libc.
RUNTIME_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(filter-out runtime/ready.c,$(wildcard runtime/*.c))) \
	$(patsubst %.S,$(BUILD)/%.o,$(wildcard runtime/*.S))
UNIT_SRC := $(wildcard tests/unit/*.c)
# The runtime's file layer (the embedded tree, nodes, the path walk) and
# its thread queues are plain C the unit tests link too, compiled hosted;
# tests/unit/fs_fixture.c gives the layer the page source and clock the
# guest's memory.c and clock.c do.
RUNTIME_HOST_OBJ := $(patsubst %.c,$(BUILD)/host/%.o,runtime/embedded.c runtime/wait_queue.c \
	$(wildcard runtime/fs_*.c))

KILN := $(BUILD)/kiln
# kiln cc under the one word build systems want for a compiler (CC=kiln-cc).
KILN_CC := $(BUILD)/kiln-cc
KILN_SERVE := $(BUILD)/kiln-serve
# The OCI runtime podman and containerd call by name; static like kiln.
KILN_OCI := $(BUILD)/kiln-oci
# The QEMU guest with nested KVM, for `kiln test --vm` and tests/kvm-path
# on machines without /dev/kvm: a bash script, copied like the templates.
KILN_VM := $(BUILD)/kiln-vm
RUNTIME := $(BUILD)/runtime/libkiln.a $(BUILD)/runtime/ready.o $(BUILD)/runtime/kiln.ld
# kiln new finds the templates next to kiln, as it finds the runtime.
# Their files at any depth (templates/test/fixtures/...); no folders, and
# no dot files (an editor's swap file must not reach a new app).
TEMPLATES := $(patsubst %,$(BUILD)/%,$(shell find templates -type f ! -path '*/.*'))

# libFuzzer targets (tests/fuzz/), built with clang against the monitor:
# `make fuzz` runs each for FUZZ_SECONDS, `make test` for FUZZ_TEST_SECONDS.
# KVM's ioctl structs end in flexible arrays that the monitor wraps, as
# gcc allows; clang calls that an extension.
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 60
FUZZ_TEST_SECONDS ?= 3
FUZZ_CFLAGS := -std=c11 $(WARN) -Wno-gnu-variable-sized-type-not-at-end -g -O1 -pthread -D_GNU_SOURCE \
	-Iinclude -I. -I$(BUILD)/gen -Itests/fuzz \
	-fsanitize=address,undefined -fno-sanitize-recover=undefined -MMD -MP
FUZZ_CALLS := write read walltime sleep exit abort memory ready finish \
	open close pread pwrite stat dirents file path alarm wait syscall stuck
FUZZ_TARGETS := image exit $(addprefix hypercall_,$(FUZZ_CALLS))
FUZZ_OBJ := $(patsubst %.c,$(BUILD)/fuzz/obj/%.o,$(wildcard common/*.c monitor/*.c) tests/fuzz/fake_vm.c)

.PHONY: all deps demo test unit e2e bench bench-files bench-serve bench-density bench-threads bench-syscalls bench-programs bench-tests bench-oci fuzz fuzz-build clean format format-check
all: $(KILN) $(KILN_CC) $(KILN_SERVE) $(KILN_OCI) $(KILN_VM) $(RUNTIME) $(TEMPLATES)

deps:
	@.ci/deps

$(KILN): $(BUILD)/cmd/main.o $(LIB_OBJ)
	$(CC) $(CFLAGS) $(KILN_LDFLAGS) -o $@ $^ $(KILN_LIBS)

$(KILN_CC): | $(KILN)
	ln -sf kiln $@

$(KILN_SERVE): $(BUILD)/cmd/serve_main.o $(SERVE_OBJ) $(LIB_OBJ)
	$(CC) $(CFLAGS) -o $@ $^ $(SERVE_LIBS)

$(KILN_OCI): $(BUILD)/cmd/oci_main.o $(OCI_OBJ) $(LIB_OBJ)
	$(CC) $(CFLAGS) $(KILN_LDFLAGS) -o $@ $^ $(KILN_LIBS)

$(BUILD)/common/%.o $(BUILD)/monitor/%.o $(BUILD)/builder/%.o $(BUILD)/serve/%.o $(BUILD)/cmd/%.o: CC_FLAGS = $(CFLAGS) $(HOST_CFLAGS)
$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CC_FLAGS) -c -o $@ $<

# kiln run --strace names system calls as the kernel headers the monitor
# is built with (linux-libc-dev) number them: x86-64's, like the guest's.
$(BUILD)/gen/syscall_names.inc:
	@mkdir -p $(@D)
	printf '#include <asm/unistd_64.h>\n' | $(CC) -E -dM - | \
		sed -n 's/^#define __NR_\([a-z0-9_]*\) \([0-9]*\)$$/[\2] = "\1",/p' >$@

$(BUILD)/monitor/syscall_names.o $(BUILD)/fuzz/obj/monitor/syscall_names.o: \
	$(BUILD)/gen/syscall_names.inc

$(BUILD)/runtime/%.o: runtime/%.c
	@mkdir -p $(@D)
	$(MUSL_CC) $(RUNTIME_CFLAGS) -c -o $@ $<

$(BUILD)/host/runtime/%.o: runtime/%.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -std=c11 $(WARN) -Iinclude -MMD -MP -c -o $@ $<

$(BUILD)/runtime/%.o: runtime/%.S
	@mkdir -p $(@D)
	$(MUSL_CC) -Iinclude -Iruntime -MMD -MP -c -o $@ $<

$(BUILD)/runtime/libkiln.a: $(RUNTIME_OBJ)
	@rm -f $@
	ar rcsD $@ $^

$(BUILD)/runtime/kiln.ld: runtime/kiln.ld
	@mkdir -p $(@D)
	cp $< $@

$(BUILD)/templates/%: templates/%
	@mkdir -p $(@D)
	cp $< $@

$(KILN_VM): cmd/kiln-vm
	@mkdir -p $(@D)
	cp $< $@

$(BUILD)/tests/unit: $(UNIT_SRC) $(SERVE_OBJ) $(OCI_OBJ) $(LIB_OBJ) $(RUNTIME_HOST_OBJ)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(HOST_CFLAGS) -o $@ $(filter %.c %.o,$^) $(SERVE_LIBS) -lcriterion

$(BUILD)/bench/%: tests/bench/%.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(WARN) -o $@ $<

# kiln serve's floor (tests/bench/density): the counter function linked in
# and called in-process, with kiln's own CGI environment and parser.
$(BUILD)/bench/serve_floor: $(BUILD)/bench/serve_floor.o $(BUILD)/bench/cgi_counter_function.o \
		$(BUILD)/serve/cgi.o $(BUILD)/serve/http_request.o $(BUILD)/common/array_grow.o
	$(CC) $(CFLAGS) -o $@ $^ -lmicrohttpd -pthread

$(BUILD)/bench/serve_floor.o: tests/bench/serve_floor.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(HOST_CFLAGS) -c -o $@ $<

$(BUILD)/bench/cgi_counter_function.o: tests/guests/cgi_counter.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(WARN) -Dmain=function_main -c -o $@ $<

# Boot against the KVM floor; kiln serve against lighttpd CGI and against
# its in-process floor under wrk.
bench: all $(BUILD)/bench/kvm-floor $(BUILD)/bench/interleave $(BUILD)/bench/serve_floor
	tests/bench/boot
	tests/bench/files
	tests/bench/threads
	tests/bench/syscalls
	tests/bench/programs
	tests/bench/tests
	tests/bench/serve
	tests/bench/density
	tests/bench/oci

# Embedded files and volumes alone, for work on files.
bench-files: all $(BUILD)/bench/interleave
	tests/bench/files

# Futex handoffs and signal delivery, native against kiln run, for work on
# threads and signals.
bench-threads: all
	tests/bench/threads

# One system call's cost, native against kiln run, for work on the
# syscall path (builder/syscall_sites.c, the runtime's entry).
bench-syscalls: all
	tests/bench/syscalls

# Unmodified Linux programs against native exec, and python3's boot, for
# work on kiln build --elf.
bench-programs: all $(BUILD)/bench/interleave
	tests/bench/programs

# kiln test on 200 small C tests against running them natively, and an
# all-cached re-run against the first run, for work on kiln test.
bench-tests: all $(BUILD)/bench/kvm-floor
	tests/bench/tests

# kiln serve alone, for work on serving.
bench-serve: all
	tests/bench/serve

# kiln serve against its in-process floor, cold starts, memory per idle
# VM and the reset per request, for work on serving at scale.
bench-density: all $(BUILD)/bench/serve_floor
	tests/bench/density

# podman run --rm with kiln-oci against podman's default runtime (where
# it works here) and kiln run of the same image, for work on kiln-oci.
bench-oci: all $(BUILD)/bench/interleave
	tests/bench/oci

# clang comes from Debian through make deps, before the first object.
$(BUILD)/fuzz/obj/%.o: %.c | deps
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

# One target per hypercall, from one source.
$(BUILD)/fuzz/obj/hypercall_%.o: tests/fuzz/hypercall.c | deps
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link \
		-DFUZZ_CALL=KILN_HC_$(shell echo $* | tr a-z A-Z) -c -o $@ $<

$(BUILD)/fuzz/bin/hypercall_%: $(BUILD)/fuzz/obj/hypercall_%.o $(FUZZ_OBJ)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $^ $(HOST_LIBS)

$(BUILD)/fuzz/bin/%: $(BUILD)/fuzz/obj/tests/fuzz/%.o $(FUZZ_OBJ)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $^ $(HOST_LIBS)

fuzz-build: $(addprefix $(BUILD)/fuzz/bin/,$(FUZZ_TARGETS))

fuzz: fuzz-build
	@tests/fuzz/run $(BUILD)/fuzz $(FUZZ_SECONDS) $(FUZZ_TARGETS)

demo: deps all
	@KILN_VM_PROGRAM=$(abspath $(KILN_VM)) tests/kvm-path demo tests/demo

unit: $(BUILD)/tests/unit
	$(BUILD)/tests/unit

# SQLite's amalgamation and an image of it for the e2e tests; built here,
# before tests/kvm-path, because compiling 9 MB of C inside the nested VM
# (under software emulation) takes minutes.
SQLITE_DIR := $(BUILD)/third_party/sqlite
SQLITE_IMAGE := $(BUILD)/tests/sqlite_files.kiln
SQLITE_CFLAGS := -O1 -I$(SQLITE_DIR) -DSQLITE_THREADSAFE=0 -DSQLITE_OMIT_LOAD_EXTENSION

$(SQLITE_DIR)/sqlite3.c: tests/third_party/fetch-sqlite
	tests/third_party/fetch-sqlite $(SQLITE_DIR)

$(SQLITE_IMAGE): tests/guests/sqlite_files.c $(SQLITE_DIR)/sqlite3.c $(KILN) $(RUNTIME)
	@mkdir -p $(@D)
	KILN_CACHE_DIR=$(BUILD)/cache $(KILN) build $(SQLITE_CFLAGS) $< $(SQLITE_DIR)/sqlite3.c -o $@

e2e: all $(SQLITE_IMAGE)
	@KILN_VM_PROGRAM=$(abspath $(KILN_VM)) tests/kvm-path test bats tests/e2e

test: deps all unit e2e fuzz-build
	@tests/fuzz/run $(BUILD)/fuzz $(FUZZ_TEST_SECONDS) $(FUZZ_TARGETS)

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

# CI fails on any tracked C file that `make format` would change.
format-check: deps
	clang-format --dry-run -Werror $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
