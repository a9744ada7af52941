/*
 * What a build needs before it starts: the sources, the runtime and the
 * compiler.  Checked up front so that a missing piece gets one clear line
 * instead of a page of compiler or linker errors.
 */
#ifndef KILN_INPUTS_H
#define KILN_INPUTS_H

#include <stddef.h>

#include "builder.h"

/* Returns 0 when everything is there, with musl-gcc's path in compiler;
 * else reports the first problem on stderr and returns -1. */
int inputs_check(const struct build_options *options, char *compiler, size_t compiler_size);

#endif
