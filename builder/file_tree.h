/*
 * The files an image will carry, gathered from every --files source into
 * one tree before it is laid out (files_blob.h).  Normalized as they come
 * in: names as guest paths (guest_path.h), nothing kept but type,
 * permission bits, bytes and symlink targets, hard links as nodes that
 * share their data.  Folders that no source names are implied, 0755.
 */
#ifndef KILN_FILE_TREE_H
#define KILN_FILE_TREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The bytes of a file or a symlink's target, shared by its hard links. */
struct file_data {
    uint8_t *bytes;
    uint64_t size;
    uint32_t links;
    uint32_t first;  /* files_blob: index of the first entry holding it */
    uint64_t offset; /* files_blob: where it lies in the blob */
    bool placed;     /* files_blob: first and offset are set */
};

struct file_node {
    const char *name;   /* first: tsearch(3) keys are names; "" for the root */
    uint32_t mode;      /* S_IFREG, S_IFDIR or S_IFLNK, and permission bits */
    const char *source; /* the --files PATH that made it, for messages */
    struct file_node *parent;
    void *children; /* folders: a tsearch(3) tree ordered by name */
    uint32_t child_count;
    struct file_data *data; /* files and symlinks */
    /* files_blob's layout */
    uint32_t index;
    uint32_t first_child;
    uint32_t subfolders;
};

struct file_tree {
    struct file_node root;
    uint64_t count; /* nodes, the root included */
};

/* One entry as a folder or an archive gives it. */
struct file_entry {
    const char *source;    /* the --files PATH, for messages */
    const char *guest_dir; /* absolute */
    const char *name;      /* relative to the source's top */
    uint32_t mode;         /* type and permission bits; hard links take their target's */
    const char *hardlink;  /* a hard link: the earlier name (as name) it links to */
    uint8_t *bytes;        /* a file's bytes or a symlink's target, malloc'd */
    uint64_t size;
};

void file_tree_init(struct file_tree *tree);

/* Adds entry; the tree takes its bytes (freed at once when it carries
 * none).  Returns 0, or -1 (reported as "SOURCE: NAME: why"). */
int file_tree_add(struct file_tree *tree, struct file_entry *entry);

/* The node at path (absolute, normalized), or NULL. */
struct file_node *file_tree_find(struct file_tree *tree, const char *path);

/* Whether the tree holds anything but its root. */
bool file_tree_is_empty(const struct file_tree *tree);

/* Calls visit for each child of folder, in bytewise order of name. */
void file_tree_children(const struct file_node *folder,
                        void (*visit)(struct file_node *child, void *context), void *context);

void file_tree_free(struct file_tree *tree);

#endif
