/*
 * Which archive the link takes for "-l NAME" from the build's own -L
 * folders, so that the build cache's key covers its bytes.  The link is
 * static, so ld looks for libNAME.a (or, for "-l :FILE", FILE) in each -L
 * folder in the order given, before musl's and gcc's own folders, whose
 * archives come with the compiler.
 */
#ifndef KILN_LIBRARY_SEARCH_H
#define KILN_LIBRARY_SEARCH_H

#include <stddef.h>

#include "builder.h"

/* Writes into path the archive that -l name takes from options' -L
 * folders.  Returns 1 when one holds it, 0 when none does (the archive, if
 * any, is the compiler's), or -1 (reported) when a name is too long. */
int library_search(const struct build_options *options, const char *name, char *path,
                   size_t path_size);

#endif
