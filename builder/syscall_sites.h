/*
 * The build step that keeps a program's system calls in ring 3.  A
 * SYSCALL costs about 30 us on PVM hosts (it enters the guest's ring-0
 * stub, which PVM emulates), while the runtime that serves it runs at ring
 * 3 natively.  So the instructions right before each SYSCALL of the linked
 * image (at least the 5 bytes a jmp rel32 takes, at most 4 of them) move
 * to a trampoline of the site's own, and a jmp to it takes their place.
 * The trampoline runs them, then enters the runtime's kiln_syscall_fast as
 * SYSCALL's ring-0 entry would have (runtime/entry.S).  The SYSCALL stays
 * in place for branches that land on it, which still take the slow way.
 * Which instructions move is builder/site_plan.h's to decide.
 */
#ifndef KILN_SYSCALL_SITES_H
#define KILN_SYSCALL_SITES_H

#include <stdbool.h>
#include <stddef.h>

#include "image_code.h"

/* A trampoline's slot: the moved instructions (at most 19 bytes: fewer
 * than 5 before the last one taken, which is at most 15), then
 * lea -128(%rsp),%rsp; push $resume; jmp kiln_syscall_fast (15 bytes),
 * then int3.  A slot's offset i holds the byte at the site's offset i. */
#define SYSCALL_TRAMPOLINE_SIZE 40

struct syscall_site_count {
    size_t found;   /* SYSCALLs in the program's functions */
    size_t movable; /* of those, the ones with code before them to move */
    size_t patched; /* of those, the ones that jump to a trampoline now */
};

/* Decodes each function that holds a SYSCALL from its start and rewrites
 * every site in the program that can move, in address order, while the
 * area has room; the rest stay as they are.  Returns 0, or -1 (reported)
 * when the disassembler cannot start or memory runs out. */
int syscall_sites_rewrite(const struct program_code *program, struct trampoline_area *area,
                          struct syscall_site_count *sites);

/* syscall_sites_rewrite on the linked image at path, in place; with
 * verbose, says how many sites it rewrote.  Returns 0, or -1 (reported). */
int syscall_sites_patch(const char *path, bool verbose);

#endif
