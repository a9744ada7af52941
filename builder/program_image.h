/*
 * An image from a Linux program kiln did not link (kiln build --elf): the
 * runtime, linked alone by runtime/kiln.ld, with the program's loadable
 * segments (and its interpreter's, for a dynamic program) placed beside
 * it as the kernel's execve would place them, and a KILN_NOTE_PROGRAM
 * note that tells the monitor the auxiliary vector to give.  The
 * program's bytes are copied unchanged; its system calls reach the
 * runtime through the SYSCALL entry.
 */
#ifndef KILN_PROGRAM_IMAGE_H
#define KILN_PROGRAM_IMAGE_H

#include <stdbool.h>

#include "program_elf.h"

/* Where a position-independent program goes: the first address a
 * non-PIE x86-64 program is linked at, so both kinds sit alike. */
#define PROGRAM_PIE_BASE 0x400000ull

/* Where everything goes, decided before the runtime links: the program
 * at its own addresses (or PROGRAM_PIE_BASE), its interpreter right
 * above it, and the runtime, with the embedded files, above both. */
struct program_layout {
    uint64_t program_base; /* added to the program's addresses: 0 for ET_EXEC */
    uint64_t interp_base;  /* AT_BASE; 0 without an interpreter */
    uint64_t runtime_base; /* where kiln.ld starts the runtime */
    struct program_elf interp;
    bool has_interp;
};

/* Reads program's interpreter and plans the layout.  Returns 0, or -1
 * (reported). */
int program_layout_plan(struct program_layout *layout, const struct program_elf *program);

void program_layout_close(struct program_layout *layout);

/* Rewrites the runtime image at image_path, linked at
 * layout->runtime_base, with program and its interpreter beside it.
 * Returns 0, or -1 (reported). */
int program_image_append(const char *image_path, const struct program_layout *layout,
                         const struct program_elf *program, bool verbose);

#endif
