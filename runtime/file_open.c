#define _GNU_SOURCE
#include "file_open.h"
#include "files.h"
#include "fs_names.h"
#include "layer_files.h"
#include "user_range.h"
#include "volume.h"
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>

#define SETFL_FLAGS         (O_APPEND | O_NONBLOCK | O_ASYNC | O_DIRECT | O_NOATIME)
#define CLOSE_RANGE_UNSHARE 0x2
#define CLOSE_RANGE_CLOEXEC 0x4

/* O_TMPFILE: a file with no name, gone at its last close. */
static long open_unnamed(const struct fs_place *place, uint32_t flags, uint32_t mode,
                         struct open_file **file)
{
    struct fs *fs = kiln_fs();

    if ((flags & O_ACCMODE) == O_RDONLY)
        return -EINVAL;
    if (place->volume != FS_NO_VOLUME)
        return -EOPNOTSUPP;
    if (!place->node)
        return -ENOENT;
    if (!S_ISDIR(place->node->mode))
        return -ENOTDIR;
    struct fs_node *node = fs_node_new(fs, S_IFREG | files_umask(mode & 07777));
    if (!node)
        return -ENOSPC;
    long err = layer_open(fs, node, flags & ~(uint32_t)O_DIRECTORY, file);
    if (err)
        fs_node_unlinked(fs, node);
    return err;
}

static long open_in_layer(const struct fs_place *place, uint32_t flags, uint32_t mode,
                          struct open_file **file)
{
    struct fs *fs = kiln_fs();
    struct fs_node *node = place->node;

    if (node && (flags & O_CREAT) && (flags & O_EXCL))
        return -EEXIST;
    if (!node) {
        if (!(flags & O_CREAT))
            return -ENOENT;
        if (place->trailing_slash)
            return -EISDIR;
        long err = fs_make(fs, place, S_IFREG | files_umask(mode & 07777), NULL, 0, &node);
        if (err)
            return err;
    }
    return layer_open(fs, node, flags, file);
}

/* A free fd comes first, as on Linux: a full table is EMFILE even for a
 * file that is not there. */
static long open_at(int dirfd, const char *path, uint32_t flags, uint32_t mode)
{
    bool excl = (flags & O_CREAT) && (flags & O_EXCL);
    unsigned walk = (flags & O_NOFOLLOW) || excl ? FS_WALK_NOFOLLOW : 0;
    struct fs_place place;
    struct open_file *file;
    long err;

    if (!fd_room())
        return -EMFILE;
    err = files_resolve(dirfd, path, walk, &place);
    if (err)
        return err;
    if ((flags & O_TMPFILE) == O_TMPFILE)
        err = open_unnamed(&place, flags, mode, &file);
    else if (place.volume != FS_NO_VOLUME)
        err = volume_open(&place, flags, files_umask(mode & 07777), &file);
    else
        err = open_in_layer(&place, flags, mode, &file);
    return err ? err : fd_install(file, 0, flags & O_CLOEXEC);
}

long kiln_sys_open(const struct syscall_args *args)
{
    return open_at(AT_FDCWD, (const char *)(uintptr_t)args->arg1, (uint32_t)args->arg2,
                   (uint32_t)args->arg3);
}

long kiln_sys_openat(const struct syscall_args *args)
{
    return open_at((int)args->arg1, (const char *)(uintptr_t)args->arg2, (uint32_t)args->arg3,
                   (uint32_t)args->arg4);
}

long kiln_sys_creat(const struct syscall_args *args)
{
    return open_at(AT_FDCWD, (const char *)(uintptr_t)args->arg1, O_CREAT | O_WRONLY | O_TRUNC,
                   (uint32_t)args->arg2);
}

long kiln_sys_close(const struct syscall_args *args)
{
    return fd_close((int)args->arg1);
}

long kiln_sys_close_range(const struct syscall_args *args)
{
    uint32_t first = (uint32_t)args->arg1, last = (uint32_t)args->arg2;
    uint32_t flags = (uint32_t)args->arg3;

    if ((flags & ~(uint32_t)(CLOSE_RANGE_UNSHARE | CLOSE_RANGE_CLOEXEC)) || first > last)
        return -EINVAL;
    for (uint32_t fd = first; fd <= last && fd < FD_LIMIT; fd++) {
        if (!fd_file((int)fd))
            continue;
        if (flags & CLOSE_RANGE_CLOEXEC)
            fd_set_cloexec((int)fd, true);
        else
            fd_close((int)fd);
    }
    return 0;
}

long kiln_sys_dup(const struct syscall_args *args)
{
    struct open_file *file = fd_file((int)args->arg1);

    if (!file)
        return -EBADF;
    open_file_hold(file);
    return fd_install(file, 0, false);
}

static long dup_to(int old, int new, bool cloexec)
{
    struct open_file *file = fd_file(old);

    if (!file || new < 0 || new >= FD_LIMIT)
        return -EBADF;
    open_file_hold(file);
    fd_install_at(new, file, cloexec);
    return new;
}

long kiln_sys_dup2(const struct syscall_args *args)
{
    int old = (int)args->arg1, new = (int)args->arg2;

    if (old == new)
        return fd_file(old) ? new : -EBADF;
    return dup_to(old, new, false);
}

long kiln_sys_dup3(const struct syscall_args *args)
{
    int old = (int)args->arg1, new = (int)args->arg2;
    uint32_t flags = (uint32_t)args->arg3;

    if ((flags & ~(uint32_t)O_CLOEXEC) || old == new)
        return -EINVAL;
    return dup_to(old, new, flags & O_CLOEXEC);
}

/* Record locks: one process holds every lock there is, so each is granted
 * at once and a test finds none in the way. */
static long lock(struct open_file *file, int cmd, struct flock *lock)
{
    bool get = cmd == F_GETLK || cmd == F_OFD_GETLK;

    if (!user_range_ok(lock, sizeof *lock))
        return -EFAULT;
    if (lock->l_type != F_RDLCK && lock->l_type != F_WRLCK && lock->l_type != F_UNLCK)
        return -EINVAL;
    if (!get && ((lock->l_type == F_RDLCK && (file->flags & O_ACCMODE) == O_WRONLY) ||
                 (lock->l_type == F_WRLCK && (file->flags & O_ACCMODE) == O_RDONLY)))
        return -EBADF;
    if (get)
        lock->l_type = F_UNLCK;
    return 0;
}

static long duplicate_from(struct open_file *file, int lowest, bool cloexec)
{
    if (lowest < 0 || lowest >= FD_LIMIT)
        return -EINVAL;
    open_file_hold(file);
    return fd_install(file, lowest, cloexec);
}

long kiln_sys_fcntl(const struct syscall_args *args)
{
    int fd = (int)args->arg1, cmd = (int)args->arg2;
    uint64_t arg = args->arg3;
    struct open_file *file = fd_file(fd);

    if (!file)
        return -EBADF;
    switch (cmd) {
    case F_DUPFD:
    case F_DUPFD_CLOEXEC:
        return duplicate_from(file, (int)arg, cmd == F_DUPFD_CLOEXEC);
    case F_GETFD:
        return fd_cloexec(fd) ? FD_CLOEXEC : 0;
    case F_SETFD:
        fd_set_cloexec(fd, arg & FD_CLOEXEC);
        return 0;
    case F_GETFL:
        return file->flags;
    case F_SETFL:
        file->flags = (file->flags & ~(uint32_t)SETFL_FLAGS) | ((uint32_t)arg & SETFL_FLAGS);
        return 0;
    case F_GETLK:
    case F_SETLK:
    case F_SETLKW:
    case F_OFD_GETLK:
    case F_OFD_SETLK:
    case F_OFD_SETLKW:
        return lock(file, cmd, (struct flock *)(uintptr_t)arg);
    default:
        return -EINVAL;
    }
}
