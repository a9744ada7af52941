/*
 * Clocks: nanoseconds since boot from the TSC (rdtsc runs at ring 3 with
 * no exit), added to the host's clocks as the monitor read them at boot.
 * Every monotonic-like clock, and the CPU-time clocks (the guest has the
 * CPU to itself), count from boot_monotonic_ns; realtime-like ones from
 * boot_realtime_ns.  Deadlines (sched.h) count from boot.
 */
#define _GNU_SOURCE
#include "clock.h"
#include "boot_info.h"
#include "hypercall.h"
#include "sched.h"
#include "tsc.h"
#include "user_range.h"
#include <errno.h>
#include <stdbool.h>
#include <sys/time.h>
#include <time.h>

#define NS_PER_SEC  1000000000ull
#define NS_PER_USEC 1000ull
/* Outside this, the boot info's TSC rate is not believable; the upper
 * bound also keeps remainder * NS_PER_SEC within 64 bits. */
#define TSC_HZ_MIN 1000000ull
#define TSC_HZ_MAX 18000000000ull

enum clock_base { CLOCK_BASE_REALTIME, CLOCK_BASE_MONOTONIC };

/* Without a believable TSC rate, ask the host for the time (one exit). */
static uint64_t since_boot_from_host(const struct kiln_boot_info *info)
{
    int64_t now = hypercall_walltime();
    return now > info->boot_realtime_ns ? (uint64_t)(now - info->boot_realtime_ns) : 0;
}

uint64_t kiln_clock_since_boot_ns(void)
{
    const struct kiln_boot_info *info = boot_info();
    uint64_t hz = info->tsc_hz;

    if (hz < TSC_HZ_MIN || hz > TSC_HZ_MAX)
        return since_boot_from_host(info);
    uint64_t now = tsc_read();
    uint64_t ticks = now > info->boot_tsc ? now - info->boot_tsc : 0;
    return (ticks / hz) * NS_PER_SEC + (ticks % hz) * NS_PER_SEC / hz;
}

static int64_t clock_base_ns(enum clock_base base)
{
    const struct kiln_boot_info *info = boot_info();
    return base == CLOCK_BASE_REALTIME ? info->boot_realtime_ns : info->boot_monotonic_ns;
}

static int64_t clock_now_ns(enum clock_base base)
{
    return clock_base_ns(base) + (int64_t)kiln_clock_since_boot_ns();
}

int64_t kiln_clock_realtime_ns(void)
{
    return clock_now_ns(CLOCK_BASE_REALTIME);
}

/* Which timeline a clock id follows; false for ids Linux would refuse
 * (negative ids name other processes' CPU clocks). */
static bool clock_base_of(int64_t id, enum clock_base *base)
{
    switch (id) {
    case CLOCK_REALTIME:
    case CLOCK_REALTIME_COARSE:
    case CLOCK_REALTIME_ALARM:
    case CLOCK_TAI:
        *base = CLOCK_BASE_REALTIME;
        return true;
    case CLOCK_MONOTONIC:
    case CLOCK_MONOTONIC_COARSE:
    case CLOCK_MONOTONIC_RAW:
    case CLOCK_BOOTTIME:
    case CLOCK_BOOTTIME_ALARM:
    case CLOCK_PROCESS_CPUTIME_ID:
    case CLOCK_THREAD_CPUTIME_ID:
        *base = CLOCK_BASE_MONOTONIC;
        return true;
    default:
        return false;
    }
}

/* Floor division, so times before 1970 still get 0 <= tv_nsec < 1e9. */
static struct timespec ns_to_timespec(int64_t ns)
{
    int64_t sec = ns / (int64_t)NS_PER_SEC;
    int64_t rest = ns % (int64_t)NS_PER_SEC;

    if (rest < 0) {
        sec--;
        rest += (int64_t)NS_PER_SEC;
    }
    return (struct timespec){.tv_sec = sec, .tv_nsec = rest};
}

long kiln_sys_clock_gettime(const struct syscall_args *args)
{
    struct timespec *ts = (struct timespec *)(uintptr_t)args->arg2;
    enum clock_base base;

    if (!clock_base_of((int32_t)args->arg1, &base))
        return -EINVAL;
    if (!user_range_ok(ts, sizeof *ts))
        return -EFAULT;
    *ts = ns_to_timespec(clock_now_ns(base));
    return 0;
}

/* Every clock is computed to the nanosecond. */
long kiln_sys_clock_getres(const struct syscall_args *args)
{
    struct timespec *res = (struct timespec *)(uintptr_t)args->arg2;
    enum clock_base base;

    if (!clock_base_of((int32_t)args->arg1, &base))
        return -EINVAL;
    if (!res)
        return 0;
    if (!user_range_ok(res, sizeof *res))
        return -EFAULT;
    *res = (struct timespec){.tv_sec = 0, .tv_nsec = 1};
    return 0;
}

long kiln_sys_gettimeofday(const struct syscall_args *args)
{
    struct timeval *tv = (struct timeval *)(uintptr_t)args->arg1;
    struct timezone *tz = (struct timezone *)(uintptr_t)args->arg2;

    if ((tv && !user_range_ok(tv, sizeof *tv)) || (tz && !user_range_ok(tz, sizeof *tz)))
        return -EFAULT;
    if (tv) {
        struct timespec now = ns_to_timespec(clock_now_ns(CLOCK_BASE_REALTIME));
        *tv = (struct timeval){.tv_sec = now.tv_sec, .tv_usec = now.tv_nsec / (int64_t)NS_PER_USEC};
    }
    if (tz)
        *tz = (struct timezone){.tz_minuteswest = 0, .tz_dsttime = 0};
    return 0;
}

long kiln_sys_time(const struct syscall_args *args)
{
    time_t *out = (time_t *)(uintptr_t)args->arg1;
    time_t now = ns_to_timespec(clock_now_ns(CLOCK_BASE_REALTIME)).tv_sec;

    if (out && !user_range_ok(out, sizeof *out))
        return -EFAULT;
    if (out)
        *out = now;
    return now;
}

bool kiln_clock_ns(const struct timespec *ts, int64_t *ns)
{
    if (ts->tv_sec < 0 || ts->tv_nsec < 0 || ts->tv_nsec >= (long)NS_PER_SEC)
        return false;
    if (ts->tv_sec >= INT64_MAX / (int64_t)NS_PER_SEC)
        *ns = INT64_MAX;
    else
        *ns = ts->tv_sec * (int64_t)NS_PER_SEC + ts->tv_nsec;
    return true;
}

bool kiln_clock_known(int32_t id)
{
    enum clock_base base;
    return clock_base_of(id, &base);
}

bool kiln_clock_deadline(int32_t id, bool absolute, const struct timespec *ts, int64_t *deadline)
{
    enum clock_base base;
    int64_t ns;

    if (!clock_base_of(id, &base) || !kiln_clock_ns(ts, &ns))
        return false;
    int64_t since_boot = (int64_t)kiln_clock_since_boot_ns();
    if (absolute)
        ns -= clock_now_ns(base);
    *deadline = ns <= 0 ? since_boot : ns > INT64_MAX - since_boot ? INT64_MAX : since_boot + ns;
    return true;
}

struct timespec kiln_clock_timespec(int64_t ns)
{
    return ns_to_timespec(ns);
}

/* A sleep cut short by a signal answers EINTR, with the time left in rem
 * when the sleep was relative. */
static long sleep_until(int64_t deadline, struct timespec *rem)
{
    static struct wait_queue sleepers;
    long rc = sched_wait(&sleepers, deadline, 0, "sleep");
    if (rc != -EINTR)
        return 0;
    if (rem) {
        int64_t left = deadline - (int64_t)kiln_clock_since_boot_ns();
        *rem = ns_to_timespec(left > 0 ? left : 0);
    }
    return -EINTR;
}

long kiln_sys_nanosleep(const struct syscall_args *args)
{
    const struct timespec *req = (const struct timespec *)(uintptr_t)args->arg1;
    struct timespec *rem = (struct timespec *)(uintptr_t)args->arg2;
    int64_t deadline;

    if (!user_range_ok(req, sizeof *req) || (rem && !user_range_ok(rem, sizeof *rem)))
        return -EFAULT;
    if (!kiln_clock_deadline(CLOCK_MONOTONIC, false, req, &deadline))
        return -EINVAL;
    return sleep_until(deadline, rem);
}

long kiln_sys_clock_nanosleep(const struct syscall_args *args)
{
    int32_t id = (int32_t)args->arg1;
    int flags = (int)args->arg2;
    const struct timespec *req = (const struct timespec *)(uintptr_t)args->arg3;
    struct timespec *rem = (struct timespec *)(uintptr_t)args->arg4;
    bool absolute = flags & TIMER_ABSTIME;
    int64_t deadline;

    if (id == CLOCK_THREAD_CPUTIME_ID || (flags & ~TIMER_ABSTIME))
        return -EINVAL;
    if (!user_range_ok(req, sizeof *req) || (!absolute && rem && !user_range_ok(rem, sizeof *rem)))
        return -EFAULT;
    if (!kiln_clock_deadline(id, absolute, req, &deadline))
        return -EINVAL;
    return sleep_until(deadline, absolute ? 0 : rem);
}
