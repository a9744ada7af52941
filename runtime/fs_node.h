/*
 * The file layer: the embedded tree (read-only, in the image's pages)
 * under a writable layer in guest memory.  Every file, folder, symlink or
 * device the program reaches is a node.  A node for an embedded entry is
 * made at its first lookup and kept in a table indexed by the entry's
 * ino, so hard links share it; writing it copies its content up into
 * memory in place, and every open file sees the change.  A folder whose
 * names change copies up into an in-memory child list seeded with its
 * embedded children.  Nothing happens before the first file call.
 */
#ifndef KILN_RUNTIME_FS_NODE_H
#define KILN_RUNTIME_FS_NODE_H

#include "embedded.h"
#include "fs_heap.h"
#include <stdbool.h>
#include <stdint.h>

#define FS_NAME_MAX  255
#define FS_NO_ENTRY  UINT32_MAX
#define FS_NO_VOLUME (-1)
#define FS_DEVICE_ID 1 /* st_dev of the layer's nodes */

struct fs_node;

/* One name in an in-memory folder. */
struct fs_child {
    const char *name;     /* in the embedded names, or owned */
    struct fs_node *node; /* NULL until looked up: entry says what it is */
    uint32_t entry;
    uint8_t name_len;
    bool owns_name;
};

struct fs_children {
    struct fs_child *list; /* sorted bytewise by name */
    uint32_t count;
    uint32_t capacity;
};

/* A regular file's bytes in memory: page i holds bytes [i, i + 1) pages;
 * a NULL page (or one past page_slots) is a hole and reads as zeros. */
struct fs_data {
    uint8_t **pages;
    uint64_t page_slots;
    uint64_t pages_used; /* not NULL (st_blocks) */
};

struct fs_node {
    uint32_t mode;
    uint32_t nlink;
    uint32_t refs;  /* open files and the cwd: a node outlives its last name while held */
    uint32_t entry; /* the embedded entry it shows, or FS_NO_ENTRY */
    uint64_t ino;
    uint64_t size; /* files: bytes; symlinks: the target's length */
    uint64_t rdev;
    int64_t atime_ns;
    int64_t mtime_ns;
    int64_t ctime_ns;
    struct fs_node *parent; /* folders: the folder holding it (the root: itself) */
    bool in_memory;         /* the content is below, not the entry's */
    uint8_t volume;         /* folders: 1 + the volume mounted here, or 0 */
    bool opaque;            /* folders: a mount of their own (a tmpfs, /dev): the
                               root volume does not show through (fs_walk.h) */
    union {
        struct fs_data data;         /* S_IFREG */
        struct fs_children children; /* S_IFDIR */
        char *target;                /* S_IFLNK */
        const void *device;          /* S_IFCHR: the runtime's ops for it */
    };
};

/* Where a relative path starts: a folder of the layer, or a folder
 * beneath a volume (path relative to its root, "" for the root). */
struct fs_where {
    struct fs_node *dir;
    int32_t volume; /* FS_NO_VOLUME: dir says */
    uint32_t path_len;
    const char *path;
};

struct fs {
    struct fs_heap heap;
    struct embedded_tree tree;
    struct fs_node **entry_nodes; /* by ino - 1, allocated at the first lookup */
    struct fs_node *root;
    struct fs_where cwd; /* holds cwd.dir; owns cwd.path (KILN_PATH_MAX bytes) */
    uint64_t next_ino;
    int32_t root_volume; /* FS_NO_VOLUME, or the volume beneath the layer (fs_walk.h) */
};

/* What stat reports, whatever kind of file answers. */
struct fs_stat {
    uint64_t dev;
    uint64_t ino;
    uint64_t nlink;
    uint64_t size;
    uint64_t blocks; /* of 512 bytes */
    uint64_t rdev;
    uint32_t mode;
    uint32_t blksize;
    int64_t atime_ns;
    int64_t mtime_ns;
    int64_t ctime_ns;
};

/* An empty layer over the embedded blob [blob, blob + len) (len 0:
 * nothing embedded), the cwd at its root, no root volume.  0 or -ENOMEM. */
int fs_init(struct fs *fs, const void *blob, uint64_t len);

/* The cwd moves to a folder of the layer. */
void fs_set_cwd_dir(struct fs *fs, struct fs_node *dir);

/* The cwd moves beneath a volume, to path (path_len bytes, relative to
 * its root), kept as fs_path_normalize (fs_walk.h) leaves it.  0 or
 * -ENOMEM. */
int fs_set_cwd_volume(struct fs *fs, int32_t volume, const char *path, uint32_t path_len);

/* A node made in memory with no name yet (nlink 0); NULL: -ENOMEM. */
struct fs_node *fs_node_new(struct fs *fs, uint32_t mode);

/* The node of an embedded entry found in parent, made at its first
 * lookup; NULL: -ENOMEM. */
struct fs_node *fs_node_of_entry(struct fs *fs, uint32_t entry, struct fs_node *parent);

/* The ino of an embedded entry, node or not. */
uint64_t fs_entry_ino(const struct fs *fs, uint32_t entry);

void fs_node_hold(struct fs_node *node);

/* Drops a hold; a node with no name and no hold is freed. */
void fs_node_release(struct fs *fs, struct fs_node *node);

/* Call when a name of the node is gone (after nlink changed). */
void fs_node_unlinked(struct fs *fs, struct fs_node *node);

/* The symlink's target, node->size bytes (not NUL-terminated). */
const char *fs_node_target(const struct fs *fs, const struct fs_node *node);

void fs_node_stat(const struct fs_node *node, struct fs_stat *st);

/* The content changed: mtime and ctime are now. */
void fs_node_modified(struct fs_node *node);

/* The metadata changed: ctime is now. */
void fs_node_changed(struct fs_node *node);

#endif
