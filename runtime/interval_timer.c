#define _GNU_SOURCE
#include "interval_timer.h"
#include "clock.h"

/* Intervals past 146 years are as good as never repeating, and a deadline
 * plus one never overflows. */
#define INTERVAL_MAX (INT64_MAX / 2)

uint64_t interval_timer_expire(struct interval_timer *timer, int64_t now)
{
    int64_t deadline = timer->deadline_ns;
    if (!deadline || now < deadline)
        return 0;
    if (!timer->interval_ns) {
        timer->deadline_ns = 0;
        return 1;
    }
    uint64_t expired = 1 + (uint64_t)((now - deadline) / timer->interval_ns);
    timer->deadline_ns = deadline + (int64_t)expired * timer->interval_ns;
    return expired;
}

int64_t interval_timer_left(const struct interval_timer *timer, int64_t now)
{
    if (!timer->deadline_ns)
        return 0;
    return timer->deadline_ns > now ? timer->deadline_ns - now : 1;
}

bool interval_timer_valid(const struct itimerspec *value)
{
    int64_t ns;
    return kiln_clock_ns(&value->it_value, &ns) && kiln_clock_ns(&value->it_interval, &ns);
}

bool interval_timer_set(struct interval_timer *timer, int32_t clock, bool absolute,
                        const struct itimerspec *value)
{
    int64_t interval, deadline = 0;
    if (!kiln_clock_ns(&value->it_interval, &interval))
        return false;
    bool arming = value->it_value.tv_sec || value->it_value.tv_nsec;
    if (arming && !kiln_clock_deadline(clock, absolute, &value->it_value, &deadline))
        return false;
    timer->deadline_ns = arming && deadline == 0 ? 1 : deadline;
    timer->interval_ns = interval < INTERVAL_MAX ? interval : INTERVAL_MAX;
    return true;
}

struct itimerspec interval_timer_get(const struct interval_timer *timer, int64_t now)
{
    return (struct itimerspec){
        .it_interval = kiln_clock_timespec(timer->interval_ns),
        .it_value = kiln_clock_timespec(interval_timer_left(timer, now)),
    };
}
