/*
 * XXH3-128, from Debian's libxxhash: the identity of an image, of a
 * build's inputs and of every cache entry's contents, printed as 32 hex
 * digits.  Kept in its canonical (big-endian) bytes, so that the same
 * content gives the same bytes and the same name on every machine.
 */
#ifndef KILN_CONTENT_HASH_H
#define KILN_CONTENT_HASH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define XXH_STATIC_LINKING_ONLY /* XXH3_state_t on the stack */
#include <xxhash.h>

#define CONTENT_HASH_HEX_SIZE 33 /* 32 digits and the NUL */

struct content_hash {
    uint8_t bytes[16];
};

/* For content that arrives in pieces. */
struct content_hasher {
    XXH3_state_t state;
};

struct content_hash content_hash_of(const void *bytes, size_t size);

/* Hashes the bytes of the file at path.  Returns 0, or a negative errno
 * (EISDIR or EINVAL for what is not a regular file). */
int content_hash_file(const char *path, struct content_hash *hash);

void content_hasher_start(struct content_hasher *hasher);
void content_hasher_add(struct content_hasher *hasher, const void *bytes, size_t size);
struct content_hash content_hasher_digest(const struct content_hasher *hasher);

bool content_hash_equal(const struct content_hash *a, const struct content_hash *b);

void content_hash_hex(const struct content_hash *hash, char hex[CONTENT_HASH_HEX_SIZE]);

#endif
