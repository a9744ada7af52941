/*
 * A folder's names.  An embedded folder answers from the image until its
 * names change; then they move to a sorted list in memory, seeded with the
 * embedded children (names still pointing into the image, nodes made at
 * their first lookup).  Lookups are a binary search either way.
 */
#ifndef KILN_RUNTIME_FS_FOLDER_H
#define KILN_RUNTIME_FS_FOLDER_H

#include "fs_node.h"

/* One name of a folder as getdents lists it. */
struct fs_folder_item {
    const char *name;
    uint32_t name_len;
    uint32_t mode;
    uint64_t ino;
};

/* *found: dir's child named name (its node made if it is embedded), or
 * NULL when there is none.  0, or -ENOMEM. */
int fs_folder_lookup(struct fs *fs, struct fs_node *dir, const char *name, uint32_t len,
                     struct fs_node **found);

/* Moves an embedded folder's names into memory.  0, or -ENOSPC. */
int fs_folder_copy_up(struct fs *fs, struct fs_node *dir);

/* Adds name (copied) for node to dir, which has no such name.  0, or
 * -ENOSPC; dir changes only on success. */
int fs_folder_add(struct fs *fs, struct fs_node *dir, const char *name, uint32_t len,
                  struct fs_node *node);

/* Removes name, which dir has, from dir (copied up already). */
void fs_folder_remove(struct fs *fs, struct fs_node *dir, const char *name, uint32_t len);

/* Points dir's existing name at node instead (copied up already). */
void fs_folder_replace(struct fs_node *dir, const char *name, uint32_t len, struct fs_node *node);

uint32_t fs_folder_count(const struct fs *fs, const struct fs_node *dir);

/* The child at position (0: the first by name); false past the last. */
bool fs_folder_item_at(const struct fs *fs, const struct fs_node *dir, uint32_t position,
                       struct fs_folder_item *item);

/* The position of the first child whose name sorts after name. */
uint32_t fs_folder_position_after(const struct fs *fs, const struct fs_node *dir, const char *name,
                                  uint32_t len);

/* dir's name in its parent; false for the root or a removed folder. */
bool fs_folder_name_of(const struct fs *fs, const struct fs_node *dir, const char **name,
                       uint32_t *len);

/* Is there a child named name?  No node is made to answer. */
bool fs_folder_has(const struct fs *fs, const struct fs_node *dir, const char *name, uint32_t len);

/* dir's path beneath the root, no slash at either end ("" for the root),
 * into path (size bytes): its length, or -ENOENT (a removed folder) or
 * -ENAMETOOLONG. */
int fs_folder_path(const struct fs *fs, const struct fs_node *dir, char *path, uint32_t size);

/* Frees the in-memory list of a folder no one can reach. */
void fs_folder_free(struct fs *fs, struct fs_node *dir);

#endif
