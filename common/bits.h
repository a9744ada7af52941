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

#endif
