/*
 * The shared libraries a dynamic program needs, gathered from the host
 * into the image's files at the paths where the host's loader finds them
 * (DT_RPATH, DT_RUNPATH with $ORIGIN, then the system folders), so that
 * ld.so finds them in the guest as it would on the host.  Shared objects
 * among the embedded files (Python's extension modules) have theirs
 * gathered too, since the program may dlopen them.
 */
#ifndef KILN_PROGRAM_LIBRARIES_H
#define KILN_PROGRAM_LIBRARIES_H

#include <stdbool.h>

#include "file_tree.h"
#include "program_elf.h"

/* Adds to tree what program (at its host path) and the tree's shared
 * objects need, each once; a library already in the tree is used as it
 * is.  Returns 0, or -1 (reported) when one the program needs is missing. */
int program_libraries_add(struct file_tree *tree, const struct program_elf *program, bool verbose);

#endif
