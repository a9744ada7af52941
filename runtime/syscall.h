/*
 * The ring-3 Linux syscall layer.  entry.S bounces every SYSCALL to
 * kiln_syscall, which dispatches through a table indexed by number to one
 * small handler per call.  Handlers return Linux's answer: a result or
 * -errno.
 */
#ifndef KILN_RUNTIME_SYSCALL_H
#define KILN_RUNTIME_SYSCALL_H

#include <stdint.h>

#include "bounce.h"

/* The raw argument registers (rdi, rsi, rdx, r10, r8, r9); each handler
 * narrows them to the types Linux gives its parameters. */
struct syscall_args {
    uint64_t arg1;
    uint64_t arg2;
    uint64_t arg3;
    uint64_t arg4;
    uint64_t arg5;
    uint64_t arg6;
    struct kiln_regs *regs; /* the program's registers, put back on return */
};

/* Linux caps one read, write or getrandom at this many bytes. */
#define SYSCALL_MAX_RW_COUNT 0x7ffff000ul

typedef long syscall_handler(const struct syscall_args *args);

/* Called by the ring-3 half of the SYSCALL bounce in entry.S: the call
 * regs->rax names, its answer left in regs->rax. */
void kiln_syscall(struct kiln_regs *regs);

#endif
