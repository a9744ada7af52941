/*
 * Open files on the layer's nodes: regular files (read and written in
 * place: a memcpy from the image's pages or the layer's, no exit),
 * folders (layer_folders.c), devices (devices.c) and O_PATH handles.
 * Each holds its node, so an unlinked file lives until its last close.
 */
#ifndef KILN_RUNTIME_LAYER_FILES_H
#define KILN_RUNTIME_LAYER_FILES_H

#include "fd_table.h"

/* Opens node with open(2)'s flags (O_TRUNC applied): 0 with *file, or
 * -errno. */
long layer_open(struct fs *fs, struct fs_node *node, uint32_t flags, struct open_file **file);

/* chmod and utimensat on a node. */
void layer_apply_change(struct fs_node *node, const struct file_change *change);

/* The bytes of an embedded file not yet copied up, when file is one:
 * a read-only mapping can use them in place.  NULL otherwise. */
const char *layer_image_bytes(const struct open_file *file);

/* A new open file of kind ops holding node; NULL: -ENOMEM. */
struct open_file *layer_file_new(const struct file_ops *ops, struct fs_node *node, uint32_t flags);

/* Ops every kind on a node shares. */
long layer_stat(struct open_file *file, struct fs_stat *st);
long layer_where(struct open_file *file, struct fs_where *where);
long layer_change(struct open_file *file, const struct file_change *change);
void layer_release(struct open_file *file);

/* The open file of a folder (layer_folders.c). */
extern const struct file_ops layer_folder_ops;

#endif
