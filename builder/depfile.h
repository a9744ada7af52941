/*
 * The make rule gcc -MD writes: "TARGET: source header header...", quoted
 * as GNU make reads it.  kiln reads it to learn which headers a source
 * included, system headers too, so that editing one rebuilds.
 */
#ifndef KILN_DEPFILE_H
#define KILN_DEPFILE_H

#include <stddef.h>

/* What the compile command names the rule's target (-MT). */
#define DEPFILE_TARGET "deps"

/* Calls each(path, context) for every prerequisite of the rule in text,
 * unquoted, in order, until one returns -1.  Returns 0, or -1 with errno
 * set: EINVAL when text is not a rule for DEPFILE_TARGET, else as each or
 * malloc left it.  Reports nothing. */
int depfile_parse(const char *text, size_t len, int (*each)(const char *path, void *context),
                  void *context);

#endif
