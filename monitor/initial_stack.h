/*
 * The stack a Linux program finds at _start: argc, argv, envp, the
 * auxiliary vector, and what they point to, built from the host at the
 * top of the guest's stack.
 */
#ifndef KILN_INITIAL_STACK_H
#define KILN_INITIAL_STACK_H

#include <stdint.h>

#include "guest_mem.h"

/* The most the arguments, environment and headers may take of the stack. */
#define INITIAL_STACK_MAX (1ull << 20)

struct initial_stack {
    int argc;
    char *const *argv;    /* argv[0] is AT_EXECFN too */
    char *const *envp;    /* NULL-terminated */
    const uint8_t *phdrs; /* copied here, unless phdr_gpa says where they lie */
    uint64_t phdr_gpa;    /* a program's headers in guest memory (kiln build --elf), or 0 */
    uint16_t phdr_count;
    uint16_t phdr_size;
    uint64_t entry;       /* AT_ENTRY */
    uint64_t interp_base; /* AT_BASE */
    uint8_t random[16];   /* AT_RANDOM: libc's stack-protector canary */
};

/* Writes the stack below stack_top and returns the initial RSP, with the
 * guest address of AT_EXECFN's string in *execfn, or 0 if it would not
 * fit in INITIAL_STACK_MAX. */
uint64_t initial_stack_build(const struct guest_mem *mem, uint64_t stack_top,
                             const struct initial_stack *in, uint64_t *execfn);

#endif
