/*
 * Turning parsed compile options into an image through the build cache:
 * what kiln build does, and what kiln run does first when it is given .c
 * files.
 */
#ifndef KILN_BUILD_H
#define KILN_BUILD_H

#include "builder/builder.h"
#include "options.h"

/* The image of compile's sources, from the build cache under cache_dir or
 * built into it.  Returns 0 with image filled, else -1 (reported). */
int build_cached_image(const struct compile_args *compile, const char *cache_dir,
                       struct built_image *image);

/* The image of compile's sources when the build cache holds it, its
 * hash as the build record says (builder_find_cached), with the runtime
 * hashed once by the caller (builder_runtime_hash): returns 1 with image
 * filled, 0 when it does not, -1 (reported). */
int find_cached_image(const struct compile_args *compile, const char *cache_dir,
                      const struct content_hash *runtime_hash, struct built_image *image);

#endif
