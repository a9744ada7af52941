#include "suite_shard.h"

#include <string.h>

#include "common/content_hash.h"

/* The jump hash's linear congruential step and scale, from its paper. */
#define JUMP_MULTIPLIER 2862933555777941757ull
#define JUMP_SCALE      ((double)(1ull << 31))

static uint64_t slice_of(uint64_t key, uint64_t count)
{
    int64_t slice = -1, next = 0;
    while (next < (int64_t)count) {
        slice = next;
        key = key * JUMP_MULTIPLIER + 1;
        next = (int64_t)((double)(slice + 1) * (JUMP_SCALE / (double)((key >> 33) + 1)));
    }
    return (uint64_t)slice;
}

bool suite_shard_holds(const char *name, uint64_t index, uint64_t count)
{
    return slice_of(XXH3_64bits(name, strlen(name)), count) == index;
}
