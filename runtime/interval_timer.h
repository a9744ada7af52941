/*
 * A deadline that may repeat, on the scheduler's clock (ns since boot):
 * what setitimer, POSIX timers and timerfd share.
 */
#ifndef KILN_RUNTIME_INTERVAL_TIMER_H
#define KILN_RUNTIME_INTERVAL_TIMER_H

#include <stdbool.h>
#include <stdint.h>

struct itimerspec; /* <time.h> names it only with _GNU_SOURCE or POSIX */

struct interval_timer {
    int64_t deadline_ns; /* the next expiry; 0: disarmed */
    int64_t interval_ns; /* 0: it expires once */
};

/* The expiries that have come by now (0: none): an interval timer moves
 * its deadline past now, a one-shot timer is disarmed. */
uint64_t interval_timer_expire(struct interval_timer *timer, int64_t now);

/* ns until the next expiry: 0 when disarmed, at least 1 while armed. */
int64_t interval_timer_left(const struct interval_timer *timer, int64_t now);

/* Would Linux take both of value's timespecs? */
bool interval_timer_valid(const struct itimerspec *value);

/* timer_settime's and timerfd_settime's value on clock (absolute: an
 * absolute it_value); a zero it_value disarms.  False for a timespec
 * Linux refuses (EINVAL). */
bool interval_timer_set(struct interval_timer *timer, int32_t clock, bool absolute,
                        const struct itimerspec *value);

/* What timer_gettime and timerfd_gettime answer. */
struct itimerspec interval_timer_get(const struct interval_timer *timer, int64_t now);

#endif
