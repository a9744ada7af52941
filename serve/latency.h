/*
 * A route's request latencies: the last LATENCY_WINDOW of them, from
 * which the admin listener's p50 and p99 come.  A window, not all time:
 * a function that was slow an hour ago is not slow now.  The caller
 * locks.
 */
#ifndef KILN_LATENCY_H
#define KILN_LATENCY_H

#include <stdint.h>

#define LATENCY_WINDOW 1024

struct latency {
    uint32_t us[LATENCY_WINDOW]; /* microseconds, oldest overwritten first */
    uint32_t count;              /* how many of us[] hold a latency */
    uint32_t next;               /* where the next one goes */
};

void latency_record(struct latency *latency, uint64_t us);

/* The percentile (0-100) of the window in microseconds; 0 when empty. */
uint64_t latency_percentile(const struct latency *latency, unsigned percentile);

#endif
