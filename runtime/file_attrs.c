#define _GNU_SOURCE
#include "file_attrs.h"
#include "file_stat.h"
#include "files.h"
#include "fs_file.h"
#include "layer_files.h"
#include "user_range.h"
#include "volume.h"
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/time.h>

#define NS_PER_SEC   1000000000ll
#define NS_PER_USEC  1000ll
#define USEC_PER_SEC 1000000ll
#define UTIME_FLAGS  (AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)
#define CHOWN_FLAGS  (AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)

long kiln_sys_truncate(const struct syscall_args *args)
{
    int64_t size = (int64_t)args->arg2;
    struct fs_place place;

    if (size < 0)
        return -EINVAL;
    long err = files_resolve(AT_FDCWD, (const char *)(uintptr_t)args->arg1, 0, &place);
    if (err)
        return err;
    if (place.volume != FS_NO_VOLUME)
        return volume_path(&place,
                           &(struct volume_path_call){.op = KILN_PATH_TRUNCATE, .arg = {size}});
    if (!place.node)
        return -ENOENT;
    if (S_ISDIR(place.node->mode))
        return -EISDIR;
    if (!S_ISREG(place.node->mode))
        return -EINVAL;
    return fs_file_truncate(kiln_fs(), place.node, (uint64_t)size);
}

long kiln_sys_ftruncate(const struct syscall_args *args)
{
    struct open_file *file = fd_file((int)args->arg1);
    int64_t size = (int64_t)args->arg2;

    if (size < 0)
        return -EINVAL;
    if (!file || (file->flags & O_PATH))
        return -EBADF;
    if ((file->flags & O_ACCMODE) == O_RDONLY || !file->ops->truncate)
        return -EINVAL;
    return file->ops->truncate(file, (uint64_t)size);
}

/* fsync and fdatasync. */
long kiln_sys_fsync(const struct syscall_args *args)
{
    struct open_file *file = fd_file((int)args->arg1);

    if (!file)
        return -EBADF;
    return file->ops->sync ? file->ops->sync(file) : -EINVAL;
}

/* sync and syncfs: the layer is memory, and each volume write went to the
 * host already. */
long kiln_sys_sync(const struct syscall_args *args)
{
    (void)args;
    return 0;
}

/* A change to what (dirfd, path) names: "" with AT_EMPTY_PATH, or a NULL
 * path (utimensat), is dirfd itself. */
static long change_at(int dirfd, const char *path, int flags, const struct file_change *change)
{
    bool nofollow = flags & AT_SYMLINK_NOFOLLOW;
    struct fs_place place;

    long len = path ? files_path_len(path, flags & AT_EMPTY_PATH) : 0;
    if (len == 0) {
        struct open_file *file = fd_file(dirfd);
        if (!file)
            return dirfd == AT_FDCWD && !path ? -EFAULT : -EBADF;
        return file->ops->change ? file->ops->change(file, change) : 0;
    }
    long err = len < 0 ? len : files_resolve(dirfd, path, nofollow ? FS_WALK_NOFOLLOW : 0, &place);
    if (err)
        return err;
    if (place.volume != FS_NO_VOLUME)
        return volume_change(place.volume, place.path, place.path_len, change, nofollow);
    if (!place.node)
        return -ENOENT;
    layer_apply_change(place.node, change);
    return 0;
}

static long chmod_at(int dirfd, const char *path, uint32_t mode, int flags)
{
    struct file_change change = {.mode_set = true, .mode = mode & 07777};
    return change_at(dirfd, path, flags, &change);
}

long kiln_sys_chmod(const struct syscall_args *args)
{
    return chmod_at(AT_FDCWD, (const char *)(uintptr_t)args->arg1, (uint32_t)args->arg2, 0);
}

long kiln_sys_fchmodat(const struct syscall_args *args)
{
    return chmod_at((int)args->arg1, (const char *)(uintptr_t)args->arg2, (uint32_t)args->arg3, 0);
}

long kiln_sys_fchmod(const struct syscall_args *args)
{
    return chmod_at((int)args->arg1, "", (uint32_t)args->arg2, AT_EMPTY_PATH);
}

static long time_of_timespec(const struct timespec *ts, int64_t *ns)
{
    if (ts->tv_nsec == UTIME_NOW || ts->tv_nsec == UTIME_OMIT) {
        *ns = ts->tv_nsec == UTIME_NOW ? KILN_TIME_NOW : KILN_TIME_OMIT;
        return 0;
    }
    if (ts->tv_nsec < 0 || ts->tv_nsec >= NS_PER_SEC)
        return -EINVAL;
    *ns = ts->tv_sec * NS_PER_SEC + ts->tv_nsec;
    return 0;
}

long kiln_sys_utimensat(const struct syscall_args *args)
{
    const struct timespec *times = (const struct timespec *)(uintptr_t)args->arg3;
    int flags = (int)args->arg4;
    struct file_change change = {
        .times_set = true, .atime_ns = KILN_TIME_NOW, .mtime_ns = KILN_TIME_NOW};

    if (flags & ~UTIME_FLAGS)
        return -EINVAL;
    if (times && !user_range_ok(times, 2 * sizeof *times))
        return -EFAULT;
    long err = times ? time_of_timespec(&times[0], &change.atime_ns) : 0;
    if (!err && times)
        err = time_of_timespec(&times[1], &change.mtime_ns);
    return err ? err
               : change_at((int)args->arg1, (const char *)(uintptr_t)args->arg2, flags, &change);
}

static long time_of_timeval(const struct timeval *tv, int64_t *ns)
{
    if (tv->tv_usec < 0 || tv->tv_usec >= USEC_PER_SEC)
        return -EINVAL;
    *ns = tv->tv_sec * NS_PER_SEC + tv->tv_usec * NS_PER_USEC;
    return 0;
}

static long utimes_at(int dirfd, const char *path, const struct timeval *times)
{
    struct file_change change = {
        .times_set = true, .atime_ns = KILN_TIME_NOW, .mtime_ns = KILN_TIME_NOW};

    if (times && !user_range_ok(times, 2 * sizeof *times))
        return -EFAULT;
    long err = times ? time_of_timeval(&times[0], &change.atime_ns) : 0;
    if (!err && times)
        err = time_of_timeval(&times[1], &change.mtime_ns);
    return err ? err : change_at(dirfd, path, 0, &change);
}

long kiln_sys_utimes(const struct syscall_args *args)
{
    return utimes_at(AT_FDCWD, (const char *)(uintptr_t)args->arg1,
                     (const struct timeval *)(uintptr_t)args->arg2);
}

long kiln_sys_futimesat(const struct syscall_args *args)
{
    return utimes_at((int)args->arg1, (const char *)(uintptr_t)args->arg2,
                     (const struct timeval *)(uintptr_t)args->arg3);
}

/* The owner of every file is root: a change is checked and forgotten. */
static long chown_at(int dirfd, const char *path, int flags)
{
    struct fs_place place;
    struct fs_stat st;

    if (flags & ~CHOWN_FLAGS)
        return -EINVAL;
    long len = files_path_len(path, flags & AT_EMPTY_PATH);
    if (len == 0)
        return fd_file(dirfd) ? 0 : -EBADF;
    bool nofollow = flags & AT_SYMLINK_NOFOLLOW;
    long err = len < 0 ? len : files_resolve(dirfd, path, nofollow ? FS_WALK_NOFOLLOW : 0, &place);
    return err ? err : file_stat_place(&place, nofollow, &st);
}

long kiln_sys_chown(const struct syscall_args *args)
{
    return chown_at(AT_FDCWD, (const char *)(uintptr_t)args->arg1, 0);
}

long kiln_sys_lchown(const struct syscall_args *args)
{
    return chown_at(AT_FDCWD, (const char *)(uintptr_t)args->arg1, AT_SYMLINK_NOFOLLOW);
}

long kiln_sys_fchown(const struct syscall_args *args)
{
    return fd_file((int)args->arg1) ? 0 : -EBADF;
}

long kiln_sys_fchownat(const struct syscall_args *args)
{
    return chown_at((int)args->arg1, (const char *)(uintptr_t)args->arg2, (int)args->arg5);
}
