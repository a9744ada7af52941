/*
 * A blob of an OCI image (a layer, the config, the manifest): named by
 * the SHA-256 of its bytes, which nettle computes as they go by.
 */
#ifndef KILN_OCI_BLOB_H
#define KILN_OCI_BLOB_H

#include <stddef.h>
#include <stdint.h>

#include <nettle/sha2.h>

#define OCI_DIGEST_PREFIX "sha256:"
/* "sha256:", the hash in hex, and a NUL. */
#define OCI_DIGEST_SIZE (sizeof OCI_DIGEST_PREFIX + 2 * SHA256_DIGEST_SIZE)

struct oci_blob {
    char digest[OCI_DIGEST_SIZE];
    uint64_t size;
};

/* A blob's digest and size, added up while its bytes are made. */
struct oci_hasher {
    struct sha256_ctx sha;
    uint64_t size;
};

void oci_hasher_start(struct oci_hasher *hasher);
void oci_hasher_add(struct oci_hasher *hasher, const void *bytes, size_t len);
void oci_hasher_end(struct oci_hasher *hasher, struct oci_blob *blob);

/* The blob of bytes already in memory. */
void oci_blob_of(const void *bytes, size_t len, struct oci_blob *blob);

#endif
