/*
 * Time from the TSC and the boot info's starting point: reading a clock
 * costs no exit.  Sleeping is the SLEEP hypercall.
 */
#ifndef KILN_RUNTIME_CLOCK_H
#define KILN_RUNTIME_CLOCK_H

#include "syscall.h"
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

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

/* Is id a clock Linux knows? */
bool kiln_clock_known(int32_t id);

/* A length of time in ns, saturating; false if Linux would refuse it. */
bool kiln_clock_ns(const struct timespec *ts, int64_t *ns);

/* The deadline (ns since boot, sched_now_ns()'s scale) a timespec names on
 * clock id, as a time from now or, if absolute, a time on that clock;
 * false if Linux would refuse the clock or the timespec. */
bool kiln_clock_deadline(int32_t id, bool absolute, const struct timespec *ts, int64_t *deadline);

/* ns as a timespec, tv_nsec in [0, 1e9) even before 1970. */
struct timespec kiln_clock_timespec(int64_t ns);

#endif
