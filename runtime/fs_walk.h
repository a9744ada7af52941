/*
 * The path walk, as Linux does it: absolute or from a starting folder;
 * "." and ".." (".." at "/" stays there); symlinks, relative and absolute,
 * up to FS_LINKS_MAX of them (ELOOP past that); a trailing slash only on
 * folders; ENAMETOOLONG for a name over 255 bytes.  Reaching a volume's
 * folder hands the rest of the path, unchanged, to the volume: the
 * monitor resolves it beneath the host folder, so a ".." at a volume's
 * root stays there.
 *
 * A root volume (a volume at "/", a container's root file system) lies
 * beneath the layer.  What a path names, first to last: another volume;
 * the layer (the image's files, the devices, in-memory volumes); the root
 * volume.  So an image's own files stay visible over a root file system
 * that has the same names, as the app's data should.  A folder of the
 * layer shows the root volume's folder of the same path through it,
 * unless it or a folder above it is opaque (a mount of its own: an
 * in-memory volume, /dev, /proc): a name the layer lacks there is the
 * root volume's, and the walk hands the folder's path, the name and the
 * rest on, so what the program makes there lands on the host; a listing
 * gives the layer's names, then the root volume's others.
 * An image's file stays the image's: writing it copies it into memory, as
 * without a root volume; removing it uncovers the root volume's file of
 * that name, if any.  Past that name the monitor resolves the rest
 * beneath the root volume's folder, a chroot: a ".." or a symlink met
 * there stays in it, and leads back to no file of the layer.
 */
#ifndef KILN_RUNTIME_FS_WALK_H
#define KILN_RUNTIME_FS_WALK_H

#include "fs_node.h"
#include <kiln/abi.h>

#define FS_LINKS_MAX     40
#define FS_WALK_NOFOLLOW 0x1 /* a final symlink is the answer (a trailing slash follows it) */
/* The last name itself, whatever it is, even with a trailing slash:
 * what mkdir, unlink, rmdir, rename, symlink and link act on. */
#define FS_WALK_LAST 0x2
/* The layer alone: a name it lacks is missing, not the root volume's
 * (what the runtime makes for itself: devices, volumes' folders). */
#define FS_WALK_LAYER 0x4

/* What the last part of the path was. */
enum fs_last {
    FS_LAST_NAME,   /* a name: place.name */
    FS_LAST_DOT,    /* "." */
    FS_LAST_DOTDOT, /* ".." */
    FS_LAST_ROOT,   /* no name at all: "/", or a symlink to it */
};

struct fs_place {
    struct fs_node *dir;  /* the folder the last name is in */
    struct fs_node *node; /* what the path names; NULL: no such name (yet) */
    const char *name;     /* the last name, name_len bytes, not NUL-terminated */
    uint32_t name_len;
    enum fs_last last;
    bool trailing_slash; /* what the path names must be a folder */
    int32_t volume;      /* FS_NO_VOLUME, or the volume the rest lies beneath */
    uint32_t path_len;   /* the rest, relative to that volume's root ("." for it) */
    char path[KILN_PATH_MAX];
};

/* Resolves path (path_len bytes, at least 1, no NUL) from start when it is
 * relative.  0 or -errno; a missing last name is no error (node NULL, dir
 * where it would go), a missing folder on the way is ENOENT. */
int fs_walk(struct fs *fs, const struct fs_where *start, const char *path, uint32_t path_len,
            unsigned flags, struct fs_place *place);

/* Whether the root volume shows through the layer's folder dir: there is
 * one, and neither dir nor a folder above it is opaque or removed. */
bool fs_shows_root_volume(const struct fs *fs, const struct fs_node *dir);

/* Folds a path relative to a volume's root lexically: no ".", a ".."
 * takes away the name before it (none at the root, where the monitor
 * keeps a path too), single slashes, none at either end.  The new length. */
uint32_t fs_path_normalize(char *path, uint32_t len);

#endif
