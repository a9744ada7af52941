/*
 * Alignment and bitmaps: one bit per page of guest RAM in the monitor
 * (pages a snapshot holds, pages KVM or the monitor dirtied).
 */
#ifndef KILN_BITS_H
#define KILN_BITS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

/* x rounded up to a multiple of a, a power of two. */
#define ALIGN_UP(x, a) (((x) + (a)-1) & ~((uint64_t)(a)-1))

#define BITMAP_WORD_BITS 64

static inline uint64_t bitmap_words(uint64_t bits)
{
    return (bits + BITMAP_WORD_BITS - 1) / BITMAP_WORD_BITS;
}

/* A zeroed bitmap of bits bits, or NULL. */
static inline uint64_t *bitmap_new(uint64_t bits)
{
    return calloc(bitmap_words(bits), sizeof(uint64_t));
}

static inline void bitmap_set(uint64_t *map, uint64_t bit)
{
    map[bit / BITMAP_WORD_BITS] |= 1ull << (bit % BITMAP_WORD_BITS);
}

static inline bool bitmap_test(const uint64_t *map, uint64_t bit)
{
    return (map[bit / BITMAP_WORD_BITS] >> (bit % BITMAP_WORD_BITS)) & 1;
}

/* The first run of set bits at or after from, and below bits, as
 * [*start, *end): a snapshot's pages go to and from files a run at a
 * time.  Returns false when none is left. */
static inline bool bitmap_next_run(const uint64_t *map, uint64_t bits, uint64_t from,
                                   uint64_t *start, uint64_t *end)
{
    uint64_t bit = from;
    while (bit < bits && !bitmap_test(map, bit))
        bit = map[bit / BITMAP_WORD_BITS] == 0 ? ALIGN_UP(bit + 1, BITMAP_WORD_BITS) : bit + 1;
    if (bit >= bits)
        return false;
    *start = bit;
    while (bit < bits && bitmap_test(map, bit))
        bit++;
    *end = bit;
    return true;
}

#endif
