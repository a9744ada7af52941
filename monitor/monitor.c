/*
 * monitor_run(): the table of contents of a boot.  Check the image, make
 * the VM, lay out guest memory from the host, set the vCPU, run.
 */
#include "monitor.h"

#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include <kiln/abi.h>

#include "boot_info.h"
#include "cpu.h"
#include "descriptors.h"
#include "exits.h"
#include "image.h"
#include "initial_stack.h"
#include "pagetables.h"
#include "timeout.h"
#include "vm.h"

#define ALIGN_UP(x, a) (((x) + (a) - 1) & ~((uint64_t)(a) - 1))

static int check_mem_size(const char *name, uint64_t size)
{
    if (size >= KILN_MEM_MIN && size <= KILN_MEM_MAX && size % KILN_MEM_ALIGN == 0)
        return 0;
    fprintf(stderr, "kiln: %s: guest memory of %lu bytes is not a 2 MiB multiple between "
                    "16 MiB and 4 GiB\n", name, size);
    return -1;
}

static uint64_t write_initial_stack(struct vm *vm, const struct image *image,
                                    const struct monitor_options *options)
{
    struct initial_stack stack = {
        .argc = options->argc,
        .argv = options->argv,
        .envp = options->envp,
        .phdrs = image->phdrs,
        .phdr_count = image->phdr_count,
        .phdr_size = image->phdr_size,
        .entry = image->entry,
    };
    if (getrandom(stack.random, sizeof stack.random, 0) != sizeof stack.random) {
        fprintf(stderr, "kiln: %s: no random bytes for AT_RANDOM\n", vm->name);
        return 0;
    }
    uint64_t rsp = initial_stack_build(&vm->mem, vm->mem.size, &stack);
    if (rsp == 0)
        fprintf(stderr, "kiln: %s: arguments and environment exceed %llu KiB\n", vm->name,
                INITIAL_STACK_MAX >> 10);
    return rsp;
}

/* Everything the guest finds at its first instruction, written from here. */
static int boot(struct vm *vm, const struct image *image, const struct monitor_options *options)
{
    uint64_t stack_bottom = vm->mem.size - KILN_STACK_SIZE;
    vm->stack_guard = stack_bottom - KILN_PAGE_SIZE;
    if (image_load(image, &vm->mem, vm->stack_guard) != 0)
        return -1;
    descriptors_write(&vm->mem, image->note.exception_entries);
    struct cpu_start start = {
        .cr3 = pagetables_build(&vm->mem, vm->stack_guard),
        .entry = image->entry,
        .rsp = write_initial_stack(vm, image, options),
        .syscall_entry = image->note.syscall_entry,
    };
    if (start.rsp == 0 || cpu_setup(vm, &start) != 0)
        return -1;
    struct boot_layout layout = {
        .heap_start = ALIGN_UP(image->end, KILN_PAGE_SIZE),
        .stack_bottom = stack_bottom,
        .tsc_hz = cpu_tsc_hz(vm),
        .tsc = cpu_guest_tsc(vm),
    };
    boot_info_write(&vm->mem, &layout);
    return 0;
}

struct monitor_result monitor_run(const struct monitor_options *options)
{
    struct monitor_result failed = {.outcome = MONITOR_FAILED};
    const char *name = options->name ? options->name : options->image_path;
    struct image image;
    if (image_open(&image, options->image_path, name) != 0)
        return failed;
    uint64_t mem_size = options->mem_size ? options->mem_size : image.note.default_mem;
    struct vm vm = {
        .name = name,
        .kvm_fd = -1,
        .vm_fd = -1,
        .vcpu_fd = -1,
        .stdio = {0, 1, 2},
        .timeout_ms = options->timeout_ms,
        .result = failed,
    };
    if (check_mem_size(vm.name, mem_size) == 0 && vm_create(&vm, mem_size) == 0 &&
        boot(&vm, &image, options) == 0 && timeout_arm(&vm) == 0)
        exits_run(&vm);
    timeout_disarm(&vm);
    vm_destroy(&vm);
    image_close(&image);
    return vm.result;
}
