/*
 * kiln pack's package: an OCI image archive (oci-archive: an image layout
 * in a tar) whose one layer holds a kiln image as OCI_LAYER_APP_PATH, the
 * entrypoint; podman load and ctr image import read it.  The same image
 * and name give the same archive bytes.
 */
#ifndef KILN_OCI_IMAGE_H
#define KILN_OCI_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "oci_reference.h"

/* Writes the archive of the image's bytes, named ref, to output, whole or
 * not at all.  Returns 0, or -1 (reported, naming the image as name). */
int oci_image_write(const char *output, const struct oci_reference *ref, const char *name,
                    const uint8_t *image, size_t size);

#endif
