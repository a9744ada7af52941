/*
 * The one layer of a packed image: a tar that holds the kiln image as
 * /app.kiln, executable, owned by root, dated at the epoch, so that the
 * same image always gives the same layer bytes.
 */
#ifndef KILN_OCI_LAYER_H
#define KILN_OCI_LAYER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "oci_blob.h"

/* Where the image lies in the container's root, as its entrypoint. */
#define OCI_LAYER_APP_PATH "/app.kiln"

/* Takes the layer's next bytes as they are written; returns 0, or -1
 * (reported) to stop the writing. */
typedef int oci_layer_sink(void *context, const void *bytes, size_t len);

/* Writes the layer of the image's bytes, gzip-compressed or not, to sink
 * (NULL: nowhere, for its digest alone) and sets blob to what was
 * written.  Returns 0, or -1 (reported, naming the image as name). */
int oci_layer_write(const uint8_t *image, size_t size, const char *name, bool gzip,
                    oci_layer_sink *sink, void *context, struct oci_blob *blob);

#endif
