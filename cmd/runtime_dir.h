/*
 * Where the guest runtime (libkiln.a, kiln.ld) lives: $KILN_RUNTIME_DIR,
 * else "runtime" next to the kiln binary (build/kiln -> build/runtime).
 */
#ifndef KILN_RUNTIME_DIR_H
#define KILN_RUNTIME_DIR_H

#include <stddef.h>

/* Writes the directory into dir; returns 0, or -1 (reported). */
int runtime_dir_find(char *dir, size_t dir_size);

#endif
