/*
 * kiln inspect: what an image is and carries, as text for a person or as
 * JSON for a script.  Both print the same facts from this one checked
 * view of the image.
 */
#ifndef KILN_INSPECT_H
#define KILN_INSPECT_H

#include <stdint.h>

#include <kiln/abi.h>

#include "builder/files_blob_reader.h"
#include "common/content_hash.h"

struct inspected {
    const char *name; /* the image as the user named it */
    char hash[CONTENT_HASH_HEX_SIZE];
    struct kiln_note note;
    const struct kiln_program_note *program; /* NULL: a C program's image */
    const struct files_reader *files;        /* NULL: the image carries no files */
};

/* What inspect_walk calls for each embedded entry; path is its guest
 * path.  Returns 0 to go on, or -1 to stop the walk (reported). */
typedef int inspect_visit(const struct inspected *inspected, uint32_t index, const char *path,
                          void *context);

/* Visits the embedded entries depth first, each folder's children in
 * bytewise order of name: the order find(1) lists a tree in.  Returns 0,
 * or -1 when a visit stopped it. */
int inspect_walk(const struct inspected *inspected, inspect_visit *visit, void *context);

/* Prints inspected as one JSON object on stdout.  Returns 0, or -1
 * (reported: a name JSON cannot carry, say). */
int inspect_print_json(const struct inspected *inspected);

#endif
