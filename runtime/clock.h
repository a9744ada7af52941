/*
 * Time from the TSC and the boot info's starting point: reading a clock
 * costs no exit.  Sleeping is the SLEEP hypercall.
 */
#ifndef KILN_RUNTIME_CLOCK_H
#define KILN_RUNTIME_CLOCK_H

#include "syscall.h"
#include <stdint.h>

syscall_handler kiln_sys_clock_gettime;
syscall_handler kiln_sys_clock_getres;
syscall_handler kiln_sys_gettimeofday;
syscall_handler kiln_sys_time;
syscall_handler kiln_sys_nanosleep;
syscall_handler kiln_sys_clock_nanosleep;

/* Nanoseconds since boot (sysinfo's uptime). */
uint64_t kiln_clock_since_boot_ns(void);

/* CLOCK_REALTIME in nanoseconds (file times). */
int64_t kiln_clock_realtime_ns(void);

#endif
