/*
 * The rules kiln applies to file names, each written once.
 */
#ifndef KILN_PATHS_H
#define KILN_PATHS_H

#include <stdbool.h>
#include <stddef.h>

#define PATH_SOURCE_SUFFIX ".c"
#define PATH_IMAGE_SUFFIX  ".kiln"

/* Whether name ends in suffix, after at least one other character. */
bool path_has_suffix(const char *name, const char *suffix);

/* Whether path names a C source file: kiln builds it first. */
bool path_is_source(const char *path);

/* Writes "dir/name" into path.  Returns 0, or -1 when it does not fit
 * (not reported: callers say what the path was for). */
int path_join(char *path, size_t path_size, const char *dir, const char *name);

#endif
