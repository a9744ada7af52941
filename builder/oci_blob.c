#include "oci_blob.h"

#include <string.h>

void oci_hasher_start(struct oci_hasher *hasher)
{
    sha256_init(&hasher->sha);
    hasher->size = 0;
}

void oci_hasher_add(struct oci_hasher *hasher, const void *bytes, size_t len)
{
    sha256_update(&hasher->sha, len, bytes);
    hasher->size += len;
}

void oci_hasher_end(struct oci_hasher *hasher, struct oci_blob *blob)
{
    static const char hex[] = "0123456789abcdef";
    uint8_t hash[SHA256_DIGEST_SIZE];
    sha256_digest(&hasher->sha, sizeof hash, hash);
    char *at = blob->digest + strlen(OCI_DIGEST_PREFIX);
    memcpy(blob->digest, OCI_DIGEST_PREFIX, strlen(OCI_DIGEST_PREFIX));
    for (size_t i = 0; i < sizeof hash; i++) {
        *at++ = hex[hash[i] >> 4];
        *at++ = hex[hash[i] & 0xf];
    }
    *at = '\0';
    blob->size = hasher->size;
}

void oci_blob_of(const void *bytes, size_t len, struct oci_blob *blob)
{
    struct oci_hasher hasher;
    oci_hasher_start(&hasher);
    oci_hasher_add(&hasher, bytes, len);
    oci_hasher_end(&hasher, blob);
}
