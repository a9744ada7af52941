/*
 * A regular file's bytes: in the image until the first write or truncate
 * copies them up into pages of memory (all of them, as overlayfs does),
 * then page by page, with holes that read as zeros.
 */
#ifndef KILN_RUNTIME_FS_FILE_H
#define KILN_RUNTIME_FS_FILE_H

#include "fs_node.h"

/* Files end below this (16 TiB); writing past it is EFBIG. */
#define FS_FILE_SIZE_MAX (1ull << 44)

/* Copies up to len bytes at pos into buf: how many (0 at or past the end). */
uint64_t fs_file_read(const struct fs *fs, const struct fs_node *node, void *buf, uint64_t len,
                      uint64_t pos);

/* Writes len bytes at pos: how many, fewer when memory ran out on the way;
 * -ENOSPC when it ran out first, -EFBIG past FS_FILE_SIZE_MAX. */
int64_t fs_file_write(struct fs *fs, struct fs_node *node, const void *buf, uint64_t len,
                      uint64_t pos);

/* 0, -ENOSPC (copying up), -EFBIG. */
int fs_file_truncate(struct fs *fs, struct fs_node *node, uint64_t size);

/* The file's bytes in the image while it has not been copied up, else
 * NULL: a read-only mapping can use the image's own pages. */
const char *fs_file_image_bytes(const struct fs *fs, const struct fs_node *node);

/* SEEK_DATA (hole false) or SEEK_HOLE from pos: the offset, or -ENXIO
 * at or past the end. */
int64_t fs_file_seek_data(const struct fs_node *node, uint64_t pos, bool hole);

/* Frees the pages of a file no one can reach. */
void fs_file_free(struct fs *fs, struct fs_node *node);

#endif
