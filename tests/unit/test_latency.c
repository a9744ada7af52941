#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "serve/latency.h"

static void record_1_to(struct latency *latency, uint64_t last)
{
    for (uint64_t us = 1; us <= last; us++)
        latency_record(latency, us);
}

Test(latency, an_empty_window_is_zero)
{
    struct latency latency = {0};
    cr_assert_eq(latency_percentile(&latency, 50), 0);
    cr_assert_eq(latency_percentile(&latency, 99), 0);
}

Test(latency, one_latency_is_every_percentile)
{
    struct latency latency = {0};
    latency_record(&latency, 250);
    cr_assert_eq(latency_percentile(&latency, 0), 250);
    cr_assert_eq(latency_percentile(&latency, 50), 250);
    cr_assert_eq(latency_percentile(&latency, 100), 250);
}

Test(latency, percentiles_are_nearest_rank)
{
    struct latency latency = {0};
    record_1_to(&latency, 100);
    cr_assert_eq(latency_percentile(&latency, 0), 1);
    cr_assert_eq(latency_percentile(&latency, 50), 50);
    cr_assert_eq(latency_percentile(&latency, 99), 99);
    cr_assert_eq(latency_percentile(&latency, 100), 100);
}

Test(latency, the_order_of_arrival_does_not_matter)
{
    struct latency latency = {0};
    for (uint64_t us = 100; us >= 1; us--)
        latency_record(&latency, us);
    cr_assert_eq(latency_percentile(&latency, 50), 50);
    cr_assert_eq(latency_percentile(&latency, 99), 99);
}

Test(latency, a_percentile_past_100_is_the_slowest)
{
    struct latency latency = {0};
    record_1_to(&latency, 10);
    cr_assert_eq(latency_percentile(&latency, 250), 10);
}

Test(latency, the_window_forgets_the_oldest)
{
    struct latency latency = {0};
    for (int i = 0; i < LATENCY_WINDOW; i++)
        latency_record(&latency, 1000000);
    record_1_to(&latency, LATENCY_WINDOW);
    cr_assert_eq(latency.count, LATENCY_WINDOW);
    cr_assert_eq(latency_percentile(&latency, 100), LATENCY_WINDOW);
    cr_assert_eq(latency_percentile(&latency, 50), LATENCY_WINDOW / 2);
}

Test(latency, a_latency_past_32_bits_is_held_at_the_most)
{
    struct latency latency = {0};
    latency_record(&latency, UINT64_MAX);
    cr_assert_eq(latency_percentile(&latency, 50), UINT32_MAX);
}

static int compare_us(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

Test(latency, every_percentile_agrees_with_sorting)
{
    struct latency latency = {0};
    uint32_t sorted[LATENCY_WINDOW];
    uint32_t state = 12345;
    for (int i = 0; i < LATENCY_WINDOW; i++) {
        state = state * 1103515245 + 12345; /* few values, many repeated */
        latency_record(&latency, (state >> 16) % 97);
    }
    memcpy(sorted, latency.us, sizeof sorted);
    qsort(sorted, LATENCY_WINDOW, sizeof sorted[0], compare_us);
    for (unsigned p = 1; p <= 100; p++) {
        unsigned rank = (LATENCY_WINDOW * p + 99) / 100;
        cr_assert_eq(latency_percentile(&latency, p), sorted[rank - 1], "p%u", p);
    }
}
