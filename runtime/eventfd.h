/*
 * eventfd: a 64-bit counter in an open file, which a write adds to and a
 * read takes (all of it, or one with EFD_SEMAPHORE), waiting while it is
 * 0 or would overflow.
 */
#ifndef KILN_RUNTIME_EVENTFD_H
#define KILN_RUNTIME_EVENTFD_H

#include "syscall.h"

syscall_handler kiln_sys_eventfd;
syscall_handler kiln_sys_eventfd2;

#endif
