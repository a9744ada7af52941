/*
 * Which SYSCALL sites of a linked program can move, and how many bytes:
 * the instructions right before each SYSCALL, at least the 5 bytes a jmp
 * rel32 takes, at most SYSCALL_MOVED_MAX of them.  builder/syscall_sites.c
 * writes a trampoline for each site planned here and rewrites the site.
 *
 * An instruction moves only if it runs the same at any address (nothing
 * that reads RIP, no branch), and only the first of those moved may be a
 * place other code jumps to: a direct branch of its function, a symbol,
 * or a rel32 jump or call anywhere else.  In a function whose jumps are
 * not all known (an indirect jmp, bytes that are no instruction), only
 * one instruction moves.
 */
#ifndef KILN_SITE_PLAN_H
#define KILN_SITE_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "image_code.h"

#define SYSCALL_MOVED_MAX 4 /* instructions */

/* x86-64 encodings that both the plan and the rewrite use. */
#define SYSCALL_SIZE 2
#define JMP_REL32    0xe9
#define JMP_SIZE     5

/* A growing array of things of one size. */
struct list {
    void *items;
    size_t count, capacity;
};

/* A site that can move: size bytes of instructions from first, then the
 * SYSCALL. */
struct site {
    uint64_t first;
    uint8_t *bytes;
    uint8_t size;
    size_t function; /* the index of the function it is in */
    bool refused;    /* other code jumps between first and the SYSCALL */
};

/* Adds to sites (struct site, in address order) every site of the
 * program that can move, refused where other code may jump inside it, and
 * counts in found the SYSCALLs of the program's functions.  The caller
 * frees sites->items either way.  Returns 0, or -1 (reported) when the
 * disassembler cannot start or memory runs out. */
int site_plan(const struct program_code *program, struct list *sites, size_t *found);

#endif
