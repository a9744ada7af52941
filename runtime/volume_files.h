/*
 * Open files beneath a volume: a monitor handle, the position and the
 * path it was opened by (a folder is the start of *at calls and fchdir).
 * One exit per read or write, straight to or from the program's buffer;
 * small vectors go through the bounce buffer in one exit too.
 */
#ifndef KILN_RUNTIME_VOLUME_FILES_H
#define KILN_RUNTIME_VOLUME_FILES_H

#include "fd_table.h"

/* An open file for handle; NULL: -ENOMEM (the handle is the caller's). */
struct open_file *volume_file_new(uint32_t volume, uint32_t handle, uint32_t flags,
                                  const char *path, uint32_t path_len);

#endif
