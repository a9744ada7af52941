/*
 * Booting: everything the guest finds at its first instruction, written
 * from the host.  No guest code runs before the program's own _start.
 */
#include "boot.h"

#include <sys/random.h>

#include <kiln/abi.h>

#include "boot_info.h"
#include "common/bits.h"
#include "common/report.h"
#include "cpu.h"
#include "descriptors.h"
#include "initial_stack.h"
#include "pagetables.h"
#include "ram_backing.h"
#include "volumes.h"

/* Below top, where the volume table (if any) ends.  A program kiln did
 * not link (its KILN_NOTE_PROGRAM) gets the vector execve would give it. */
static uint64_t write_initial_stack(struct vm *vm, const struct image *image, uint64_t top,
                                    int argc, char *const *argv, char *const *envp,
                                    uint64_t *execfn)
{
    const struct kiln_program_note *program = image->has_program ? &image->program : NULL;
    struct initial_stack stack = {
        .argc = argc,
        .argv = argv,
        .envp = envp,
        .phdrs = image->phdrs,
        .phdr_gpa = program ? program->phdr : 0,
        .phdr_count = program ? (uint16_t)program->phdr_count : image->phdr_count,
        .phdr_size = program ? (uint16_t)program->phdr_size : image->phdr_size,
        .entry = program ? program->entry : image->entry,
        .interp_base = program ? program->interp_base : 0,
    };
    if (getrandom(stack.random, sizeof stack.random, 0) != sizeof stack.random) {
        report("%s: no random bytes for AT_RANDOM", vm->name);
        return 0;
    }
    uint64_t rsp = top != 0 ? initial_stack_build(&vm->mem, top, &stack, execfn) : 0;
    if (rsp == 0)
        report("%s: arguments, environment and volumes exceed %llu KiB", vm->name,
               INITIAL_STACK_MAX >> 10);
    return rsp;
}

int boot_guest(struct vm *vm, const struct prepared_image *prepared, int argc, char *const *argv,
               char *const *envp)
{
    const struct image *image = &prepared->image;
    uint64_t stack_bottom = vm->stack_guard + KILN_PAGE_SIZE;
    uint64_t heap_start = ALIGN_UP(image->end, KILN_PAGE_SIZE);
    if (prepared_image_load(prepared, &vm->mem) != 0)
        return -1;
    /* The image but its embedded files, and a first stretch of heap; the
     * stack.  RAM backed whole (kiln serve) stays so. */
    struct ram_hole files = {.start = image->files.gpa,
                             .end = image->files.gpa + image->files.size,
                             .fd = prepared->fd,
                             .file_offset = image->files.file_offset};
    if (vm->backing.slots == 0 &&
        ram_back_ends(vm, ALIGN_UP(heap_start, RAM_BACKING_STEP) + RAM_BACKING_STEP,
                      vm->stack_guard & ~(RAM_BACKING_STEP - 1), &files) != 0)
        return -1;
    trace_mark(vm->trace, TRACE_MEMORY);
    descriptors_write(&vm->mem, image->note.exception_entries);
    /* Above the initial stack, like argv's strings: the program never
     * writes there. */
    uint64_t volume_table = volumes_write_table(vm->volumes, &vm->mem, vm->mem.size);
    uint64_t execfn = 0;
    struct cpu_start start = {
        .cr3 = pagetables_build(&vm->mem, vm->stack_guard),
        .entry = image->entry,
        .rsp = write_initial_stack(vm, image, volume_table, argc, argv, envp, &execfn),
        .syscall_entry = image->note.syscall_entry,
    };
    trace_mark(vm->trace, TRACE_LAYOUT);
    if (start.rsp == 0 || cpu_setup(vm, &start) != 0)
        return -1;
    struct boot_layout layout = {
        .heap_start = heap_start,
        .stack_bottom = stack_bottom,
        .tsc_hz = cpu_tsc_hz(vm),
        .tsc = cpu_guest_tsc(vm),
        .volumes = vm->volumes != NULL ? volume_table : 0,
        .execfn = execfn,
    };
    boot_info_write(&vm->mem, &layout, &vm->backing);
    trace_mark(vm->trace, TRACE_REGISTERS);
    return 0;
}
