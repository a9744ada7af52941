/*
 * Writing a file so that nobody ever sees it half-written: the bytes go to
 * a temporary file in the same folder, which is then renamed into place.
 * A crash leaves at most a stray temporary file (ATOMIC_FILE_TEMP_MARK in
 * its name), and two writers of the same file leave one whole copy.
 */
#ifndef KILN_ATOMIC_FILE_H
#define KILN_ATOMIC_FILE_H

#include <stddef.h>
#include <sys/types.h>
#include <sys/uio.h>

#define ATOMIC_FILE_TEMP_MARK ".tmp-"

/* Creates a temporary file next to path (mode 0600) and writes its name to
 * temp.  Returns its descriptor, or -1 (reported). */
int atomic_file_create(const char *path, char *temp, size_t temp_size);

/* Renames temp to path, or removes temp when that fails.  Returns 0, or -1
 * (reported). */
int atomic_file_commit(const char *temp, const char *path);

/* Writes the parts, in order, to path with mode (less the umask).
 * Returns 0, or -1 (reported); path is then as it was. */
int atomic_file_write(const char *path, mode_t mode, const struct iovec *parts, size_t count);

#endif
