/* Host clocks in nanoseconds, the unit every guest-facing time uses. */
#ifndef KILN_CLOCK_H
#define KILN_CLOCK_H

#include <stdint.h>
#include <time.h>

#define NS_PER_S  1000000000ll
#define NS_PER_MS 1000000ll
#define NS_PER_US 1000ll
#define MS_PER_S  1000ll

int64_t clock_ns(clockid_t clock);

/* now + ns, or INT64_MAX where that would not fit: a deadline far off. */
static inline int64_t clock_after_ns(int64_t now, uint64_t ns)
{
    return ns > (uint64_t)(INT64_MAX - now) ? INT64_MAX : now + (int64_t)ns;
}

#endif
