#define _GNU_SOURCE
#include "file_names.h"
#include "files.h"
#include "fs_names.h"
#include "volume.h"
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>

#define MKDIR_MODE_BITS 01777 /* mkdir keeps the sticky bit, not set-id bits */

static long mkdir_at(int dirfd, const char *path, uint32_t mode)
{
    struct fs_place place;
    struct fs_node *made;
    long err = files_resolve(dirfd, path, FS_WALK_LAST, &place);

    if (err)
        return err;
    mode = files_umask(mode & MKDIR_MODE_BITS);
    if (place.volume != FS_NO_VOLUME)
        return volume_path(&place, &(struct volume_path_call){.op = KILN_PATH_MKDIR, .mode = mode});
    return fs_make(kiln_fs(), &place, S_IFDIR | mode, NULL, 0, &made);
}

long kiln_sys_mkdir(const struct syscall_args *args)
{
    return mkdir_at(AT_FDCWD, (const char *)(uintptr_t)args->arg1, (uint32_t)args->arg2);
}

long kiln_sys_mkdirat(const struct syscall_args *args)
{
    return mkdir_at((int)args->arg1, (const char *)(uintptr_t)args->arg2, (uint32_t)args->arg3);
}

static long remove_at(int dirfd, const char *path, bool folder)
{
    struct fs_place place;
    long err = files_resolve(dirfd, path, FS_WALK_LAST, &place);

    if (err)
        return err;
    if (place.volume != FS_NO_VOLUME)
        return volume_path(
            &place, &(struct volume_path_call){.op = folder ? KILN_PATH_RMDIR : KILN_PATH_UNLINK});
    return folder ? fs_rmdir(kiln_fs(), &place) : fs_unlink(kiln_fs(), &place);
}

long kiln_sys_unlink(const struct syscall_args *args)
{
    return remove_at(AT_FDCWD, (const char *)(uintptr_t)args->arg1, false);
}

long kiln_sys_unlinkat(const struct syscall_args *args)
{
    int flags = (int)args->arg3;

    if (flags & ~AT_REMOVEDIR)
        return -EINVAL;
    return remove_at((int)args->arg1, (const char *)(uintptr_t)args->arg2, flags & AT_REMOVEDIR);
}

long kiln_sys_rmdir(const struct syscall_args *args)
{
    return remove_at(AT_FDCWD, (const char *)(uintptr_t)args->arg1, true);
}

/* The two places of a rename or link, on one side of every volume's edge:
 * 0, -EXDEV or the walk's error. */
static long resolve_pair(int old_dirfd, const char *old, unsigned old_flags, int new_dirfd,
                         const char *new, struct fs_place *from, struct fs_place *to)
{
    long err = files_resolve(old_dirfd, old, old_flags, from);

    if (!err)
        err = files_resolve(new_dirfd, new, FS_WALK_LAST, to);
    if (!err && from->volume != to->volume)
        err = -EXDEV;
    return err;
}

static long rename_at(int old_dirfd, const char *old, int new_dirfd, const char *new,
                      unsigned flags)
{
    struct fs_place from, to;
    long err = resolve_pair(old_dirfd, old, FS_WALK_LAST, new_dirfd, new, &from, &to);

    if (err)
        return err;
    if (from.volume != FS_NO_VOLUME)
        return volume_path(&from, &(struct volume_path_call){.op = KILN_PATH_RENAME,
                                                             .flags = flags,
                                                             .path2 = to.path,
                                                             .path2_len = to.path_len});
    return fs_rename(kiln_fs(), &from, &to, flags);
}

long kiln_sys_rename(const struct syscall_args *args)
{
    return rename_at(AT_FDCWD, (const char *)(uintptr_t)args->arg1, AT_FDCWD,
                     (const char *)(uintptr_t)args->arg2, 0);
}

long kiln_sys_renameat(const struct syscall_args *args)
{
    return rename_at((int)args->arg1, (const char *)(uintptr_t)args->arg2, (int)args->arg3,
                     (const char *)(uintptr_t)args->arg4, 0);
}

long kiln_sys_renameat2(const struct syscall_args *args)
{
    return rename_at((int)args->arg1, (const char *)(uintptr_t)args->arg2, (int)args->arg3,
                     (const char *)(uintptr_t)args->arg4, (unsigned)args->arg5);
}

static long symlink_at(const char *target, int dirfd, const char *path)
{
    struct fs_place place;
    struct fs_node *made;
    long len = files_path_len(target, false);
    long err = len < 0 ? len : files_resolve(dirfd, path, FS_WALK_LAST, &place);

    if (err)
        return err;
    if (place.volume != FS_NO_VOLUME)
        return volume_path(&place, &(struct volume_path_call){.op = KILN_PATH_SYMLINK,
                                                              .path2 = target,
                                                              .path2_len = (uint32_t)len});
    return fs_make(kiln_fs(), &place, S_IFLNK | 0777, target, (uint32_t)len, &made);
}

long kiln_sys_symlink(const struct syscall_args *args)
{
    return symlink_at((const char *)(uintptr_t)args->arg1, AT_FDCWD,
                      (const char *)(uintptr_t)args->arg2);
}

long kiln_sys_symlinkat(const struct syscall_args *args)
{
    return symlink_at((const char *)(uintptr_t)args->arg1, (int)args->arg2,
                      (const char *)(uintptr_t)args->arg3);
}

/* The monitor has no call for a hard link: beneath a volume, EPERM, as a
 * file system without hard links answers. */
static long link_at(int old_dirfd, const char *old, int new_dirfd, const char *new, int flags)
{
    struct fs_place from, to;

    if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
        return -EINVAL;
    unsigned follow = flags & AT_SYMLINK_FOLLOW ? 0 : FS_WALK_LAST;
    long err = resolve_pair(old_dirfd, old, follow, new_dirfd, new, &from, &to);
    if (err)
        return err;
    if (from.volume != FS_NO_VOLUME)
        return -EPERM;
    if (!from.node)
        return -ENOENT;
    return fs_link(kiln_fs(), from.node, &to);
}

long kiln_sys_link(const struct syscall_args *args)
{
    return link_at(AT_FDCWD, (const char *)(uintptr_t)args->arg1, AT_FDCWD,
                   (const char *)(uintptr_t)args->arg2, 0);
}

long kiln_sys_linkat(const struct syscall_args *args)
{
    return link_at((int)args->arg1, (const char *)(uintptr_t)args->arg2, (int)args->arg3,
                   (const char *)(uintptr_t)args->arg4, (int)args->arg5);
}
