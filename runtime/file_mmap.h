/*
 * mmap of a file.  Guest pages are the monitor's, mapped once at boot, so
 * a mapping cannot share pages with a file: it is a copy, except a
 * read-only one of an embedded file, which is the image's own pages (file
 * data is page-aligned in the blob).  A shared writable mapping would need
 * its writes to reach the file, so it is refused as Linux refuses a file
 * that cannot be mapped (ENODEV).
 */
#ifndef KILN_RUNTIME_FILE_MMAP_H
#define KILN_RUNTIME_FILE_MMAP_H

#include "syscall.h"

/* mmap without MAP_ANONYMOUS; memory.c has checked the type, length and
 * offset alignment. */
long kiln_file_mmap(const struct syscall_args *args);

#endif
