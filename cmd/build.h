/*
 * Turning parsed compile options into an image: what kiln build does, and
 * what kiln run does first when it is given .c files.
 */
#ifndef KILN_BUILD_H
#define KILN_BUILD_H

#include <stdint.h>

#include "options.h"

/* Returns 0 when output was written, else -1 (reported). */
int build_image(const struct compile_args *compile, const char *output, uint64_t default_mem);

#endif
