/* The runtime's file layer on the host, over embedded files the builder
 * lays out (files_fixture.h): the page source and clock that the guest's
 * memory.c and clock.c give it, and walks from the cwd. */
#ifndef KILN_TEST_LAYER_FIXTURE_H
#define KILN_TEST_LAYER_FIXTURE_H

#include <stdint.h>

#include "files_fixture.h"
#include "runtime/fs_walk.h"

/* From now on kiln_pages_alloc hands out at most pages more pages. */
void layer_page_limit(uint64_t pages);

/* A layer over the files' tree laid out as a blob (files NULL: nothing
 * embedded), the cwd at "/". */
void layer_start(struct fs *fs, struct files_fixture *files);

/* fs_walk from the cwd of a NUL-terminated path. */
int layer_walk(struct fs *fs, const char *path, unsigned flags, struct fs_place *place);

/* The node path names, symlinks followed: NULL if there is none. */
struct fs_node *layer_node(struct fs *fs, const char *path);

/* A regular file's bytes, NUL-terminated (a static buffer). */
const char *layer_read(struct fs *fs, struct fs_node *node);

/* Makes a file with text at path (a new name). */
struct fs_node *layer_put(struct fs *fs, const char *path, const char *text);

#endif
