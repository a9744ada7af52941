/*
 * Turning parsed compile options into an image: what kiln build does, and
 * what kiln run does first when it is given .c files.
 */
#ifndef KILN_BUILD_H
#define KILN_BUILD_H

#include <stddef.h>
#include <stdint.h>

#include "options.h"

/* Returns 0 when output was written, else -1 (reported). */
int build_image(const struct compile_args *compile, const char *output, uint64_t default_mem);

/* Builds into a new temporary file (in $TMPDIR, else /tmp) and writes its
 * name into path; command names the caller in messages and the file's
 * name.  Returns 0, or -1 (reported, nothing left behind). */
int build_temp_image(const struct compile_args *compile, const char *command, char *path,
                     size_t path_size);

#endif
