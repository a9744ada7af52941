/*
 * kiln test --shard K/N: which of N slices a test belongs to, from its name
 * alone, so that every job of a CI matrix agrees without talking.  Jump
 * consistent hashing (Lamping and Veach, 2014) keeps slices stable: adding
 * a test moves no other, and going from N to N+1 slices moves only the
 * tests that land in the new one.
 */
#ifndef KILN_SUITE_SHARD_H
#define KILN_SUITE_SHARD_H

#include <stdbool.h>
#include <stdint.h>

/* Whether the test called name is in slice index (0-based) of count. */
bool suite_shard_holds(const char *name, uint64_t index, uint64_t count);

#endif
