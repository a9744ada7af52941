/*
 * The time-stamp counter: readable at ring 3 with no exit.
 */
#ifndef KILN_RUNTIME_TSC_H
#define KILN_RUNTIME_TSC_H

#include <stdint.h>

static inline uint64_t tsc_read(void)
{
    uint32_t low, high;
    __asm__ volatile("rdtsc" : "=a"(low), "=d"(high));
    return ((uint64_t)high << 32) | low;
}

#endif
