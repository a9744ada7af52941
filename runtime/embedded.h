/*
 * The embedded files (kiln/abi.h): a read-only tree the builder lays out
 * in the image, read in place.  Nothing is parsed or copied: opening
 * checks the header, and a lookup is one binary search among a folder's
 * children, which are consecutive and sorted bytewise by name.
 */
#ifndef KILN_RUNTIME_EMBEDDED_H
#define KILN_RUNTIME_EMBEDDED_H

#include <kiln/abi.h>
#include <stdbool.h>
#include <stdint.h>

#define EMBEDDED_NONE UINT32_MAX

struct embedded_tree {
    const char *base; /* the header; NULL: nothing embedded */
    const struct kiln_files_entry *entries;
    const char *names;
    uint64_t names_size;
    uint64_t size;
    uint32_t count;
};

/* Reads the header of the blob [start, start + len): false, with an empty
 * tree, when there is none (an image without files) or it is malformed. */
bool embedded_open(struct embedded_tree *tree, const void *start, uint64_t len);

/* Entry index, or NULL when there is no such entry. */
const struct kiln_files_entry *embedded_entry(const struct embedded_tree *tree, uint32_t index);

/* The entry's name and its length (0 for the root, or a bad entry). */
const char *embedded_name(const struct embedded_tree *tree, uint32_t index, uint32_t *len);

/* A file's bytes or a symlink's target, size bytes; NULL if they would
 * lie outside the blob. */
const char *embedded_data(const struct embedded_tree *tree, uint32_t index);

/* The child of folder named name, or EMBEDDED_NONE. */
uint32_t embedded_find(const struct embedded_tree *tree, uint32_t folder, const char *name,
                       uint32_t len);

/* Position among folder's children (0 = first) of the first child whose
 * name sorts after name; the child count when none does. */
uint32_t embedded_position_after(const struct embedded_tree *tree, uint32_t folder,
                                 const char *name, uint32_t len);

/* How many children folder has (0 for anything else). */
uint32_t embedded_child_count(const struct embedded_tree *tree, uint32_t folder);

/* Bytewise order of two names, as the builder sorts them: <0, 0, >0. */
int fs_name_compare(const char *a, uint32_t a_len, const char *b, uint32_t b_len);

#endif
