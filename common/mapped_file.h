/*
 * A whole file, mapped copy-on-write for reading: images and dependency
 * files are read this way, without a copy.
 */
#ifndef KILN_MAPPED_FILE_H
#define KILN_MAPPED_FILE_H

#include <stddef.h>
#include <stdint.h>

struct mapped_file {
    uint8_t *bytes; /* NULL when the file is empty */
    size_t size;
};

/* The size of the regular file open at fd.  Returns 0, or a negative
 * errno: EISDIR or EINVAL for what is not a regular file. */
int regular_file_size(int fd, uint64_t *size);

/* Maps the regular file at path.  Returns 0, or a negative errno (EISDIR
 * or EINVAL for something that is not a regular file); reports nothing. */
int mapped_file_open(struct mapped_file *file, const char *path);

/* mapped_file_open() of the file open at fd, which stays open (its
 * pages can be mapped elsewhere too). */
int mapped_file_map(struct mapped_file *file, int fd);

void mapped_file_close(struct mapped_file *file);

#endif
