/* The smaller and the larger of two sizes or addresses, for the runtime's
 * files and memory alike. */
#ifndef KILN_RUNTIME_MIN_MAX_H
#define KILN_RUNTIME_MIN_MAX_H

#include <stdint.h>

static inline uint64_t min_u64(uint64_t a, uint64_t b)
{
    return a < b ? a : b;
}

static inline uint64_t max_u64(uint64_t a, uint64_t b)
{
    return a > b ? a : b;
}

#endif
