/*
 * Booting: everything the guest finds at its first instruction, written
 * from the host.  No guest code runs before the program's own _start.
 */
#include "boot.h"

#include <stdio.h>
#include <sys/random.h>

#include <kiln/abi.h>

#include "boot_info.h"
#include "cpu.h"
#include "descriptors.h"
#include "initial_stack.h"
#include "pagetables.h"

#define ALIGN_UP(x, a) (((x) + (a) - 1) & ~((uint64_t)(a) - 1))

static uint64_t write_initial_stack(struct vm *vm, const struct image *image, int argc,
                                    char *const *argv, char *const *envp)
{
    struct initial_stack stack = {
        .argc = argc,
        .argv = argv,
        .envp = envp,
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

uint64_t boot_stack_guard(uint64_t mem_size)
{
    return mem_size - KILN_STACK_SIZE - KILN_PAGE_SIZE;
}

int boot_guest(struct vm *vm, const struct image *image, int argc, char *const *argv,
               char *const *envp)
{
    vm->stack_guard = boot_stack_guard(vm->mem.size);
    uint64_t stack_bottom = vm->stack_guard + KILN_PAGE_SIZE;
    if (image_load(image, &vm->mem) != 0)
        return -1;
    descriptors_write(&vm->mem, image->note.exception_entries);
    struct cpu_start start = {
        .cr3 = pagetables_build(&vm->mem, vm->stack_guard),
        .entry = image->entry,
        .rsp = write_initial_stack(vm, image, argc, argv, envp),
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

