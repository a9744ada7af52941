/*
 * An image's name as podman, containerd and Kubernetes read it
 * (distribution's reference grammar): NAME[:TAG], normalised as they
 * normalise it, so that every one of them finds the packed image by the
 * name the user gave: "hello" is docker.io/library/hello:latest.
 */
#ifndef KILN_OCI_REFERENCE_H
#define KILN_OCI_REFERENCE_H

#include <stddef.h>

/* The grammar's limits: a whole name, and a tag. */
#define OCI_NAME_MAX 255
#define OCI_TAG_MAX  128

struct oci_reference {
    char name[OCI_NAME_MAX + 1]; /* with its registry: docker.io/library/hello */
    char tag[OCI_TAG_MAX + 1];   /* "latest" unless given */
};

/* Reads text as NAME[:TAG]: lowercase path components, an optional
 * registry before the first "/" (one with a "." or ":", or localhost),
 * no digest.  Returns 0, or -1 with the reason in why. */
int oci_reference_parse(struct oci_reference *ref, const char *text, char *why, size_t why_size);

#endif
