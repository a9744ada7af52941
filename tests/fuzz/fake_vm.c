#include "fake_vm.h"

#include <elf.h>
#include <stdlib.h>
#include <string.h>

#include <kiln/abi.h>

#include "monitor/image.h"

/* The code the backtrace of an ABORT may return into. */
#define FAKE_CODE_SIZE 0x10000

static struct vm vm;
static struct image image = {
    .name = "fuzz.kiln",
    .segments = {{.gpa = KILN_IMAGE_BASE, .file_size = FAKE_CODE_SIZE, .flags = PF_R | PF_X}},
    .segment_count = 1,
};

/* Takes every write, has nothing to read. */
static int64_t take_all(void *context, uint32_t fd, const uint8_t *bytes, uint64_t len)
{
    (void)context;
    (void)fd;
    (void)bytes;
    return (int64_t)len;
}

static int64_t nothing_to_read(void *context, uint8_t *buf, uint64_t len, int64_t deadline_ns)
{
    (void)context;
    (void)buf;
    (void)len;
    (void)deadline_ns;
    return 0;
}

static void fake_vm_create(void)
{
    if (guest_mem_map(&vm.mem, FAKE_VM_RAM) != 0)
        abort();
    vm.name = "fuzz.kiln";
    vm.image = &image;
    vm.kvm_fd = vm.vm_fd = vm.vcpu_fd = -1;
    /* All of RAM backed already: MEMORY checks its range and asks no KVM. */
    vm.backing = (struct ram_backing){.low_end = FAKE_VM_RAM, .high_start = FAKE_VM_RAM};
    vm.serving = true;
    vm.io = (struct guest_io){.write = take_all, .read = nothing_to_read};
    vm.stack_guard = KILN_IMAGE_BASE - KILN_PAGE_SIZE;
}

struct vm *fake_vm_reset(const uint8_t *bytes, size_t size)
{
    if (vm.mem.host == NULL)
        fake_vm_create();
    uint8_t *ram = vm.mem.host + KILN_IMAGE_BASE;
    size_t room = FAKE_VM_RAM - KILN_IMAGE_BASE;
    memset(ram, 0, room);
    memcpy(ram, bytes, size < room ? size : room);
    vm.deadline_ns = 1;
    vm.stopped = false;
    vm.ready_args = 0;
    vm.result = (struct monitor_result){0};
    return &vm;
}
