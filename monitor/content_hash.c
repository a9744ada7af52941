#include "content_hash.h"

#include <stdio.h>
#include <string.h>

static struct content_hash canonical(XXH128_hash_t hash)
{
    XXH128_canonical_t canonical;
    struct content_hash result;
    XXH128_canonicalFromHash(&canonical, hash);
    _Static_assert(sizeof canonical.digest == sizeof result.bytes, "XXH3-128 is 16 bytes");
    memcpy(result.bytes, canonical.digest, sizeof result.bytes);
    return result;
}

struct content_hash content_hash_of(const void *bytes, size_t size)
{
    return canonical(XXH3_128bits(bytes, size));
}

void content_hasher_start(struct content_hasher *hasher)
{
    XXH3_128bits_reset(&hasher->state);
}

void content_hasher_add(struct content_hasher *hasher, const void *bytes, size_t size)
{
    XXH3_128bits_update(&hasher->state, bytes, size);
}

struct content_hash content_hasher_digest(const struct content_hasher *hasher)
{
    return canonical(XXH3_128bits_digest(&hasher->state));
}

bool content_hash_equal(const struct content_hash *a, const struct content_hash *b)
{
    return memcmp(a->bytes, b->bytes, sizeof a->bytes) == 0;
}

void content_hash_hex(const struct content_hash *hash, char hex[CONTENT_HASH_HEX_SIZE])
{
    for (size_t i = 0; i < sizeof hash->bytes; i++)
        snprintf(hex + 2 * i, 3, "%02x", hash->bytes[i]);
}
