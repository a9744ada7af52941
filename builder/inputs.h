/*
 * What a build needs before it starts: the sources, the runtime and the
 * compiler.  Checked up front so that a missing piece gets one clear line
 * instead of a page of compiler or linker errors.
 */
#ifndef KILN_INPUTS_H
#define KILN_INPUTS_H

#include <stddef.h>

#include "builder.h"

/* The runtime (libkiln.a and kiln.ld in runtime_dir) and the compiler:
 * what a link needs.  Returns 0 with musl-gcc's path in compiler; else
 * reports the first missing one and returns -1. */
int inputs_check_tools(const char *runtime_dir, char *compiler, size_t compiler_size);

/* The sources, then inputs_check_tools.  Returns 0 when everything is
 * there, with musl-gcc's path in compiler; else reports the first problem
 * on stderr and returns -1. */
int inputs_check(const struct build_options *options, char *compiler, size_t compiler_size);

#endif
