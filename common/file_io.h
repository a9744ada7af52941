/*
 * Whole reads and writes on a descriptor: the loops that retry after
 * EINTR and short transfers, written once.
 */
#ifndef KILN_FILE_IO_H
#define KILN_FILE_IO_H

#include <stddef.h>
#include <sys/types.h>

/* Writes all len bytes.  Returns len; fewer when a write failed after
 * some went out (errno says why); -1 when none did. */
ssize_t write_all(int fd, const void *bytes, size_t len);

/* Reads until len bytes or the end of the file.  Returns the bytes read,
 * or -1 with errno set. */
ssize_t read_all(int fd, void *buf, size_t len);

#endif
