#include "latency.h"

#include <string.h>

#define PERCENT 100

void latency_record(struct latency *latency, uint64_t us)
{
    latency->us[latency->next] = us > UINT32_MAX ? UINT32_MAX : (uint32_t)us;
    latency->next = (latency->next + 1) % LATENCY_WINDOW;
    if (latency->count < LATENCY_WINDOW)
        latency->count++;
}

/* Hoare's quickselect: the k-th smallest of v[0..n), v reordered. */
static uint32_t select_nth(uint32_t *v, int n, int k)
{
    int lo = 0, hi = n - 1;
    while (lo < hi) {
        uint32_t pivot = v[lo + (hi - lo) / 2];
        int i = lo, j = hi;
        while (i <= j) {
            while (v[i] < pivot)
                i++;
            while (v[j] > pivot)
                j--;
            if (i <= j) {
                uint32_t swap = v[i];
                v[i++] = v[j];
                v[j--] = swap;
            }
        }
        if (k <= j)
            hi = j;
        else if (k >= i)
            lo = i;
        else
            break; /* between the halves: equal to the pivot */
    }
    return v[k];
}

/* A copy, so that record() stays one store on the request's path.
 * Selecting in the copy costs about 2 us for a full window, where qsort()
 * took 60 us: the caller may hold a lock the requests need. */
uint64_t latency_percentile(const struct latency *latency, unsigned percentile)
{
    uint32_t window[LATENCY_WINDOW];
    uint32_t count = latency->count;
    if (count == 0)
        return 0;
    if (percentile > PERCENT)
        percentile = PERCENT;
    memcpy(window, latency->us, count * sizeof window[0]);
    /* Nearest rank: the least latency that percentile% are at or below. */
    uint32_t rank = (count * percentile + PERCENT - 1) / PERCENT;
    return select_nth(window, (int)count, rank > 0 ? (int)rank - 1 : 0);
}
