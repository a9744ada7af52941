/*
 * The embedded files as the runtime reads them in place (abi.h): a file
 * tree laid out as struct kiln_files_header, the entries in breadth-first
 * order, their names, the symlinks' targets, then each file's bytes from
 * a page boundary.  The same tree always gives the same bytes.
 */
#ifndef KILN_FILES_BLOB_H
#define KILN_FILES_BLOB_H

#include <stddef.h>
#include <stdint.h>

#include "file_tree.h"

struct files_blob {
    uint8_t *bytes;
    size_t size; /* a whole number of pages; 0: the image carries no files */
};

/* Lays tree out into blob, setting its nodes' layout fields.  Returns 0,
 * or -1 (reported) when it is too large for an image. */
int files_blob_write(struct file_tree *tree, struct files_blob *blob);

void files_blob_free(struct files_blob *blob);

#endif
