/*
 * timerfd: a timer in an open file, readable once it has expired; a read
 * gives the expirations since the last one.  Expirations are counted when
 * someone looks (a read, poll, gettime), and a waiter's deadline is the
 * timer's, so nothing runs when the timer fires.
 */
#ifndef KILN_RUNTIME_TIMERFD_H
#define KILN_RUNTIME_TIMERFD_H

#include "syscall.h"

syscall_handler kiln_sys_timerfd_create;
syscall_handler kiln_sys_timerfd_settime;
syscall_handler kiln_sys_timerfd_gettime;

#endif
