/*
 * The names of x86-64 Linux system calls, by number: what kiln run
 * --strace prints and the summary of calls kiln does not implement.
 */
#ifndef KILN_SYSCALL_NAMES_H
#define KILN_SYSCALL_NAMES_H

#include <stdint.h>

/* Call nr's name ("openat"), or NULL for a number Linux does not use. */
const char *syscall_name(uint64_t nr);

#endif
