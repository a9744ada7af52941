#include <criterion/criterion.h>
#include <string.h>

#include "common/content_hash.h"

static void expect_hex(const struct content_hash *hash, const char *expected)
{
    char hex[CONTENT_HASH_HEX_SIZE];
    content_hash_hex(hash, hex);
    cr_assert_str_eq(hex, expected);
}

/* The values xxh128sum prints, so kiln's names match the standard tool's. */
Test(content_hash, of_nothing_is_xxh3_128_as_xxh128sum_prints_it)
{
    struct content_hash hash = content_hash_of("", 0);
    expect_hex(&hash, "99aa06d3014798d86001c324468d497f");
}

Test(content_hash, of_some_bytes_is_xxh3_128_as_xxh128sum_prints_it)
{
    struct content_hash hash = content_hash_of("kiln", 4);
    expect_hex(&hash, "29e4f6aff37a6f975bfb178850627e51");
}

Test(content_hash, in_pieces_equals_in_one_go)
{
    static const char text[] = "a build's inputs, hashed piece by piece";
    struct content_hasher hasher;
    content_hasher_start(&hasher);
    content_hasher_add(&hasher, text, 7);
    content_hasher_add(&hasher, text + 7, sizeof text - 7);
    struct content_hash pieces = content_hasher_digest(&hasher);
    struct content_hash whole = content_hash_of(text, sizeof text);
    cr_assert(content_hash_equal(&pieces, &whole));
}

Test(content_hash, differs_when_one_bit_differs)
{
    char bytes[64] = {0};
    struct content_hash before = content_hash_of(bytes, sizeof bytes);
    bytes[40] = 1;
    struct content_hash after = content_hash_of(bytes, sizeof bytes);
    cr_assert_not(content_hash_equal(&before, &after));
}
