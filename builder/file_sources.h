/*
 * A --files source into the file tree, through libarchive: a folder with
 * archive_read_disk (symlinks stay symlinks, hard links are found by
 * their inode), a file as an archive in any format and filter libarchive
 * reads but xar and mtree (file_sources.c says why).
 */
#ifndef KILN_FILE_SOURCES_H
#define KILN_FILE_SOURCES_H

#include "builder.h"
#include "file_tree.h"

/* Adds what source holds to tree.  Returns 0, or -1 (reported, naming
 * source->path). */
int file_sources_read(struct file_tree *tree, const struct files_source *source);

#endif
