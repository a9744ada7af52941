/*
 * futex: the waits and wakes under every pthread mutex, condition
 * variable, barrier, semaphore and join.  One process, so private and
 * shared futexes are the same; a futex is its address.
 */
#ifndef KILN_RUNTIME_FUTEX_H
#define KILN_RUNTIME_FUTEX_H

#include "syscall.h"
#include <stdint.h>

syscall_handler kiln_sys_futex;

/* Wakes up to count waiters on the futex at addr (a thread's exit with
 * CLONE_CHILD_CLEARTID): how many. */
unsigned futex_wake_address(uint64_t addr, unsigned count);

#endif
