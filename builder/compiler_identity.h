/*
 * Which compiler a build uses, as the build cache's key sees it: musl-gcc's
 * path and the first line of its --version.  Asking musl-gcc costs about
 * 1.7 ms, most of what a cached run may cost, so the answer is kept in the
 * cache (compilers/) and trusted while musl-gcc and the cc1 it runs keep
 * their inode, size and times (a musl-gcc that cannot say where its cc1
 * is gets asked every time).
 */
#ifndef KILN_COMPILER_IDENTITY_H
#define KILN_COMPILER_IDENTITY_H

#include <limits.h>

#define COMPILER_VERSION_SIZE 256

struct compiler_identity {
    char path[PATH_MAX];
    char version[COMPILER_VERSION_SIZE];
};

/* Fills identity for the musl-gcc at path, from the cache under cache_dir
 * or from musl-gcc itself.  Returns 0, or -1 (reported). */
int compiler_identity_find(struct compiler_identity *identity, const char *path,
                           const char *cache_dir);

#endif
