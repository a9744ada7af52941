/*
 * kiln run --strace: each system call the program makes, reported to the
 * monitor (SYSCALL) when the boot info asks, which prints it.
 */
#ifndef KILN_RUNTIME_STRACE_H
#define KILN_RUNTIME_STRACE_H

#include "syscall.h"

/* Reports call number with its arguments and result, if asked to. */
void strace_report(unsigned int number, const struct syscall_args *args, long result);

#endif
