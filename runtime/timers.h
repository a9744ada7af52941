/*
 * Timers that send signals: alarm, setitimer and POSIX timers
 * (timer_create).  They expire at ring 3 whenever the scheduler or an
 * upcall looks; the monitor's ALARM brings an upcall when the earliest
 * deadline passes while the program runs.
 */
#ifndef KILN_RUNTIME_TIMERS_H
#define KILN_RUNTIME_TIMERS_H

#include "syscall.h"
#include <stdint.h>

syscall_handler kiln_sys_alarm;
syscall_handler kiln_sys_setitimer;
syscall_handler kiln_sys_getitimer;
syscall_handler kiln_sys_timer_create;
syscall_handler kiln_sys_timer_settime;
syscall_handler kiln_sys_timer_gettime;
syscall_handler kiln_sys_timer_getoverrun;
syscall_handler kiln_sys_timer_delete;

/* Sends the signals of the timers due by now (sched_now_ns()); the next
 * deadline of a timer, or 0. */
int64_t timers_expire(int64_t now);

/* Makes sure the monitor's alarm comes by deadline (one exit when it
 * would come later). */
void timers_arm(int64_t deadline);

/* Asks the monitor for a tick every ns (threads share the CPU). */
void timers_tick_every(uint64_t ns);

#endif
