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
    char *const *argv;
    char *const *envp;    /* NULL-terminated */
    const uint8_t *phdrs; /* copied here, since no segment need hold them */
    uint16_t phdr_count;
    uint16_t phdr_size;
    uint64_t entry;
    uint8_t random[16]; /* AT_RANDOM: musl's stack-protector canary */
};

/* Writes the stack below stack_top and returns the initial RSP, or 0 if
 * it would not fit in INITIAL_STACK_MAX. */
uint64_t initial_stack_build(const struct guest_mem *mem, uint64_t stack_top,
                             const struct initial_stack *in);

#endif
