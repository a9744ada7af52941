/*
 * What a build needs before it starts: the sources, the runtime and the
 * compiler.  Checked up front so that a missing piece gets one clear line
 * instead of a page of compiler or linker errors.
 */
#ifndef KILN_INPUTS_H
#define KILN_INPUTS_H

#include "builder.h"

/* Returns 0 when everything is there; else reports the first problem on
 * stderr and returns -1. */
int inputs_check(const struct build_options *options);

#endif
