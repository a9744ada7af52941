/*
 * Growing an array (or a byte buffer) by doubling: the one way kiln's
 * lists and buffers make room.
 */
#ifndef KILN_ARRAY_GROW_H
#define KILN_ARRAY_GROW_H

#include <stddef.h>

/* The array items, moved if need be so that it holds needed elements of
 * size bytes: *capacity (in elements) doubles from first until they fit.
 * NULL when out of memory; items and *capacity are then unchanged. */
void *array_grow(void *items, size_t *capacity, size_t needed, size_t size, size_t first);

#endif
