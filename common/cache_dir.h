/*
 * Where kiln's cache lives: $KILN_CACHE_DIR, else $XDG_CACHE_HOME/kiln,
 * else ~/.cache/kiln (DESIGN.md, "Caches").
 */
#ifndef KILN_CACHE_DIR_H
#define KILN_CACHE_DIR_H

#include <stddef.h>

/* Writes the directory into dir; returns 0, or -1 (reported). */
int cache_dir_find(char *dir, size_t dir_size);

#endif
