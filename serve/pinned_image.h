/*
 * A served image kept by its content.  A pool maps its image for as long
 * as it serves (the embedded files' pages, the symbols of crash reports),
 * and a file rewritten in place (cp over it) would change, or truncate,
 * those pages under the VMs that use them.  So kiln serve serves a copy
 * in the cache, images/<content hash>.kiln, which nothing rewrites: the
 * same bytes give the same entry, and a thousand copies of one function
 * share it.
 */
#ifndef KILN_PINNED_IMAGE_H
#define KILN_PINNED_IMAGE_H

#include <stddef.h>

/* Writes the cache's copy of the image at path to pinned (making it when
 * missing), or path itself without a cache (cache_dir NULL).  Returns 0,
 * or -1 (reported). */
int pinned_image(const char *path, const char *cache_dir, char *pinned, size_t pinned_size);

#endif
