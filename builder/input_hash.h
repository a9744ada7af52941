/*
 * The build cache's two keys.  The sources key (deps/<key>) covers what
 * names a build: kiln's version, the runtime's bytes, the compiler's
 * identity, the flags, the environment gcc reads, each source's path and
 * bytes, the archives -l takes from the build's -L folders, and the
 * embedded files as the image holds them.  The input hash
 * (images/<hash>.kiln) adds each header the build read, path and bytes,
 * in sorted order.  Paths under the current directory count as "./...",
 * as -ffile-prefix-map writes them into the image, so the same sources in
 * two folders share entries.
 */
#ifndef KILN_INPUT_HASH_H
#define KILN_INPUT_HASH_H

#include <stddef.h>

#include "builder.h"
#include "common/content_hash.h"
#include "compiler_identity.h"
#include "files_blob.h"

struct input_hash {
    struct content_hasher hasher; /* through the sources */
    struct content_hash sources_key;
};

/* A file a build read besides its sources. */
struct input_file {
    const char *path; /* as the image names it: "./inc/app.h" for cwd/inc/app.h */
    struct content_hash hash;
};

/* Hashes everything but the headers; files is the build's embedded files
 * blob (empty without --files).  Returns 0, or -1 (reported). */
int input_hash_start(struct input_hash *inputs, const struct build_options *options,
                     const struct compiler_identity *compiler, const struct files_blob *files,
                     const char *cwd);

/* The input hash, given the headers sorted by path. */
struct content_hash input_hash_finish(const struct input_hash *inputs,
                                      const struct input_file *headers, size_t count);

/* Writes path as the image names it: "./rest" when path is cwd/rest.
 * Returns 0, or -1 (reported) when it does not fit. */
int input_hash_image_path(const char *path, const char *cwd, char *out, size_t out_size);

#endif
