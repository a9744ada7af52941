/*
 * The build cache (DESIGN.md, "Caches").  images/<input hash>.kiln holds
 * a built image, byte for byte what kiln build writes.  deps/<sources key>
 * is a record of what the last build of those sources read besides them:
 * each header's path and hash, and the image's own hash, which verifies
 * the image whenever it is read.
 */
#ifndef KILN_BUILD_CACHE_H
#define KILN_BUILD_CACHE_H

#include <stdbool.h>

#include "builder.h"
#include "header_list.h"
#include "input_hash.h"

/* Returns 1 with image filled when the cache holds the image of inputs;
 * 0 when it does not (verbose says why); -1 on failure (reported).  With
 * verify, the image's bytes are checked against the record's hash (a
 * damaged one is dropped: 0); else the record is trusted. */
int build_cache_find(const char *cache_dir, const struct input_hash *inputs, bool verify,
                     struct built_image *image, bool verbose);

/* The path a build of inputs links its image to before storing it. */
int build_cache_temp_base(const char *cache_dir, const struct input_hash *inputs, char *path,
                          size_t path_size);

/* Moves the image at temp, built from inputs and headers (sorted), into
 * the cache and fills image.  Returns 0, or -1 (reported). */
int build_cache_store(const char *cache_dir, const struct input_hash *inputs,
                      const struct header_list *headers, const char *temp,
                      struct built_image *image);

#endif
