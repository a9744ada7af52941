/*
 * The program's files as the syscall handlers reach them: the layer (made
 * at the first call that needs it, never at boot), the umask, and the
 * path arguments, read in place and resolved from the cwd or a dirfd.
 */
#ifndef KILN_RUNTIME_FILES_H
#define KILN_RUNTIME_FILES_H

#include "fd_table.h"
#include "fs_walk.h"
#include "syscall.h"

syscall_handler kiln_sys_umask;

/* The layer: the embedded tree, the devices and the volumes' folders,
 * the cwd at the boot info's working folder.  NULL: no memory for it. */
struct fs *kiln_fs(void);

/* The mode bits a new file or folder keeps. */
uint32_t files_umask(uint32_t mode);

/* The program's path argument: its length, checked to lie in its memory
 * and end in a NUL before KILN_PATH_MAX bytes.  -EFAULT, -ENAMETOOLONG,
 * or -ENOENT for "" (allow_empty: 0 then). */
long files_path_len(const char *path, bool allow_empty);

/* Where (dirfd, path) leads (flags: FS_WALK_*).  0 or -errno. */
long files_resolve(int dirfd, const char *path, unsigned flags, struct fs_place *place);

/* The start for a relative path: the cwd, or the folder dirfd opens. */
long files_start(int dirfd, struct fs_where *start);

#endif
