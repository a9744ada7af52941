/*
 * Changes to the layer's names: make, link, unlink, rmdir, rename, each
 * on places the walk found (the last name not followed where Linux does
 * not follow it), with the errno Linux gives for the same case.  A folder
 * whose names change is copied up first, so a failure changes nothing.
 */
#ifndef KILN_RUNTIME_FS_NAMES_H
#define KILN_RUNTIME_FS_NAMES_H

#include "fs_walk.h"

/* rename flags, as Linux numbers them (musl 1.2.3 has no names for them). */
#define FS_RENAME_NOREPLACE 0x1
#define FS_RENAME_EXCHANGE  0x2
#define FS_RENAME_WHITEOUT  0x4

/* A new file, folder or symlink (mode says which) at place, whose node is
 * NULL; a symlink's target is target_len bytes.  0 with *made, or -errno. */
int fs_make(struct fs *fs, const struct fs_place *place, uint32_t mode, const char *target,
            uint32_t target_len, struct fs_node **made);

/* One more name for node. */
int fs_link(struct fs *fs, struct fs_node *node, const struct fs_place *to);

int fs_unlink(struct fs *fs, const struct fs_place *place);

int fs_rmdir(struct fs *fs, const struct fs_place *place);

/* flags: FS_RENAME_*. */
int fs_rename(struct fs *fs, const struct fs_place *from, const struct fs_place *to,
              unsigned flags);

/* An empty folder of mode's permissions at place (found FS_WALK_LAST), in
 * place of what is there, which loses the name: an in-memory volume
 * mounted over it.  0 with *made, or -errno. */
int fs_mount_folder(struct fs *fs, const struct fs_place *place, uint32_t mode,
                    struct fs_node **made);

/* mkdir -p of an absolute path in the layer (symlinks followed): 0 with
 * *folder, the folder at its end, or -errno (-EXDEV: it lies beneath a
 * volume). */
int fs_make_folders(struct fs *fs, const char *path, uint32_t len, uint32_t mode,
                    struct fs_node **folder);

#endif
