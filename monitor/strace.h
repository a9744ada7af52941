/*
 * kiln run --strace and --verbose: the SYSCALL hypercall, by which the
 * runtime reports the program's system calls.  --strace prints each one
 * on stderr as strace would; --verbose names, at the end of the run, the
 * calls the program made that kiln does not implement (they answered
 * ENOSYS).
 */
#ifndef KILN_STRACE_H
#define KILN_STRACE_H

#include <stdbool.h>
#include <stdint.h>

struct vm;

/* Distinct calls the summary names; more are left out of it. */
#define STRACE_MISSING_MAX 64

struct strace_missing {
    uint64_t nr;
    uint32_t calls;
};

struct strace {
    bool print_calls; /* --strace: every call, as it answers */
    unsigned missing_count;
    struct strace_missing missing[STRACE_MISSING_MAX]; /* in the order first made */
};

/* The KILN_BOOT_* flags that have the runtime report what strace wants;
 * 0 for a NULL strace. */
uint32_t strace_boot_flags(const struct strace *strace);

/* Serves SYSCALL; a VM that did not ask for reports ignores them. */
void strace_serve(struct vm *vm, uint32_t gpa);

/* "kiln: NAME: system calls kiln does not implement: fork (2), ..." in
 * one line; nothing when the program made none. */
void strace_print_missing(const struct strace *strace, const char *name);

#endif
