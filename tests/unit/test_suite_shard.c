#include <criterion/criterion.h>
#include <stdio.h>

#include "cmd/suite_shard.h"

#define NAMES  1000
#define SHARDS 7

static void name_of(unsigned i, char *name, size_t size)
{
    snprintf(name, size, "tests/case_%u.c", i);
}

static unsigned slice_of(const char *name, unsigned count)
{
    unsigned found = count, holders = 0;
    for (unsigned k = 0; k < count; k++) {
        if (suite_shard_holds(name, k, count)) {
            found = k;
            holders++;
        }
    }
    cr_assert_eq(holders, 1, "%s is in %u slices of %u", name, holders, count);
    return found;
}

Test(suite_shard, every_test_is_in_exactly_one_slice)
{
    char name[64];
    for (unsigned i = 0; i < NAMES; i++) {
        name_of(i, name, sizeof name);
        slice_of(name, SHARDS);
    }
}

Test(suite_shard, one_slice_holds_everything)
{
    cr_assert(suite_shard_holds("a.c", 0, 1));
    cr_assert(suite_shard_holds("", 0, 1));
}

Test(suite_shard, slices_are_about_even)
{
    char name[64];
    unsigned counts[SHARDS] = {0};
    for (unsigned i = 0; i < NAMES; i++) {
        name_of(i, name, sizeof name);
        counts[slice_of(name, SHARDS)]++;
    }
    for (unsigned k = 0; k < SHARDS; k++)
        cr_assert(counts[k] > NAMES / SHARDS / 2 && counts[k] < NAMES / SHARDS * 2,
                  "slice %u holds %u of %u", k, counts[k], NAMES);
}

/* Jump hashing moves a test only into the new slice when N grows. */
Test(suite_shard, one_more_slice_moves_tests_only_into_it)
{
    char name[64];
    unsigned moved = 0;
    for (unsigned i = 0; i < NAMES; i++) {
        name_of(i, name, sizeof name);
        unsigned before = slice_of(name, SHARDS), after = slice_of(name, SHARDS + 1);
        if (before != after) {
            cr_assert_eq(after, SHARDS, "%s moved from %u to %u", name, before, after);
            moved++;
        }
    }
    cr_assert(moved > 0 && moved < NAMES / 4, "%u of %u moved", moved, NAMES);
}
