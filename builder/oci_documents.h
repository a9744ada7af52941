/*
 * The JSON documents of an OCI image (image-spec v1): the config, the
 * manifest that names the config and the layer by digest, and the index
 * that names the manifest and the image.  Compact, keys in a fixed order:
 * the same blobs give the same bytes, and so the same digests.
 */
#ifndef KILN_OCI_DOCUMENTS_H
#define KILN_OCI_DOCUMENTS_H

#include <stddef.h>

#include "oci_blob.h"
#include "oci_reference.h"

/* The whole of an image layout's oci-layout file. */
#define OCI_LAYOUT_JSON "{\"imageLayoutVersion\":\"1.0.0\"}"

struct oci_document {
    char *json; /* malloc'd, NUL-terminated */
    size_t len; /* the bytes the digest covers: the NUL is not one */
    struct oci_blob blob;
};

/* Each makes its document, or returns -1 (reported: out of memory). */

/* diff_id: the layer's tar before compression.  The image runs
 * OCI_LAYER_APP_PATH on linux/amd64. */
int oci_config_make(struct oci_document *doc, const struct oci_blob *diff_id);
int oci_manifest_make(struct oci_document *doc, const struct oci_blob *config,
                      const struct oci_blob *layer);
/* Names the image for containerd and podman (io.containerd.image.name:
 * NAME:TAG) and for the image-layout spec (org.opencontainers.image.ref.name:
 * TAG). */
int oci_index_make(struct oci_document *doc, const struct oci_blob *manifest,
                   const struct oci_reference *ref);

void oci_document_free(struct oci_document *doc);

#endif
