#define _GNU_SOURCE
#include "file_stat.h"
#include "bytes.h"
#include "files.h"
#include "user_range.h"
#include "volume.h"
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#define NS_PER_SEC        1000000000ll
#define STAT_FLAGS        (AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT)
#define STATX_SYNC_FLAGS  0x6000 /* AT_STATX_FORCE_SYNC | AT_STATX_DONT_SYNC */
#define STATX_BASIC_STATS 0x7ffu
#define STATX_RESERVED    0x80000000u
#define ACCESS_FLAGS      (AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)
#define ANY_EXECUTE       (S_IXUSR | S_IXGRP | S_IXOTH)

/* Linux's struct statx (include/uapi/linux/stat.h); musl 1.2.3 has none. */
struct statx_time {
    int64_t tv_sec;
    uint32_t tv_nsec;
    int32_t reserved;
};

struct statx_buf {
    uint32_t mask;
    uint32_t blksize;
    uint64_t attributes;
    uint32_t nlink;
    uint32_t uid;
    uint32_t gid;
    uint16_t mode;
    uint16_t pad;
    uint64_t ino;
    uint64_t size;
    uint64_t blocks;
    uint64_t attributes_mask;
    struct statx_time atime;
    struct statx_time btime;
    struct statx_time ctime;
    struct statx_time mtime;
    uint32_t rdev_major;
    uint32_t rdev_minor;
    uint32_t dev_major;
    uint32_t dev_minor;
    uint64_t spare[14];
};
_Static_assert(sizeof(struct statx_buf) == 256, "Linux's struct statx layout");
_Static_assert(sizeof(struct stat) == 144, "Linux's x86-64 struct stat layout");

long file_stat_place(const struct fs_place *place, bool nofollow, struct fs_stat *st)
{
    if (place->volume != FS_NO_VOLUME)
        return volume_stat(place, nofollow, st);
    if (!place->node)
        return -ENOENT;
    fs_node_stat(place->node, st);
    return 0;
}

static long stat_fd(int fd, struct fs_stat *st)
{
    struct fs_place place;
    struct open_file *file = fd_file(fd);

    if (fd == AT_FDCWD) {
        long err = files_resolve(AT_FDCWD, ".", 0, &place);
        return err ? err : file_stat_place(&place, false, st);
    }
    return file ? file->ops->stat(file, st) : -EBADF;
}

/* What (dirfd, path, flags) names; "" with AT_EMPTY_PATH: dirfd itself. */
static long stat_at(int dirfd, const char *path, int flags, struct fs_stat *st)
{
    struct fs_place place;
    long len = files_path_len(path, flags & AT_EMPTY_PATH);

    if (len == 0)
        return stat_fd(dirfd, st);
    bool nofollow = flags & AT_SYMLINK_NOFOLLOW;
    long err = len < 0 ? len : files_resolve(dirfd, path, nofollow ? FS_WALK_NOFOLLOW : 0, &place);
    return err ? err : file_stat_place(&place, nofollow, st);
}

static struct timespec timespec_of(int64_t ns)
{
    int64_t sec = ns / NS_PER_SEC, rest = ns % NS_PER_SEC;

    if (rest < 0) {
        sec--;
        rest += NS_PER_SEC;
    }
    return (struct timespec){.tv_sec = sec, .tv_nsec = rest};
}

static long put_stat(const struct fs_stat *in, struct stat *out)
{
    if (!user_range_ok(out, sizeof *out))
        return -EFAULT;
    bytes_zero(out, sizeof *out);
    out->st_dev = in->dev;
    out->st_ino = in->ino;
    out->st_nlink = in->nlink;
    out->st_mode = in->mode;
    out->st_rdev = in->rdev;
    out->st_size = (off_t)in->size;
    out->st_blksize = in->blksize;
    out->st_blocks = (blkcnt_t)in->blocks;
    out->st_atim = timespec_of(in->atime_ns);
    out->st_mtim = timespec_of(in->mtime_ns);
    out->st_ctim = timespec_of(in->ctime_ns);
    return 0;
}

static long stat_to_user(long err, const struct fs_stat *st, struct stat *out)
{
    return err ? err : put_stat(st, out);
}

long kiln_sys_stat(const struct syscall_args *args)
{
    struct fs_stat st;
    long err = stat_at(AT_FDCWD, (const char *)(uintptr_t)args->arg1, 0, &st);
    return stat_to_user(err, &st, (struct stat *)(uintptr_t)args->arg2);
}

long kiln_sys_lstat(const struct syscall_args *args)
{
    struct fs_stat st;
    long err = stat_at(AT_FDCWD, (const char *)(uintptr_t)args->arg1, AT_SYMLINK_NOFOLLOW, &st);
    return stat_to_user(err, &st, (struct stat *)(uintptr_t)args->arg2);
}

long kiln_sys_fstat(const struct syscall_args *args)
{
    struct fs_stat st;
    int fd = (int)args->arg1;
    long err = fd == AT_FDCWD ? -EBADF : stat_fd(fd, &st);
    return stat_to_user(err, &st, (struct stat *)(uintptr_t)args->arg2);
}

long kiln_sys_newfstatat(const struct syscall_args *args)
{
    int flags = (int)args->arg4;
    struct fs_stat st;

    if (flags & ~STAT_FLAGS)
        return -EINVAL;
    long err = stat_at((int)args->arg1, (const char *)(uintptr_t)args->arg2, flags, &st);
    return stat_to_user(err, &st, (struct stat *)(uintptr_t)args->arg3);
}

static struct statx_time statx_time_of(int64_t ns)
{
    struct timespec ts = timespec_of(ns);
    return (struct statx_time){.tv_sec = ts.tv_sec, .tv_nsec = (uint32_t)ts.tv_nsec};
}

/* Major and minor of a dev_t as glibc's makedev packs them. */
static uint32_t major_of(uint64_t dev)
{
    return (uint32_t)(((dev >> 8) & 0xfff) | ((dev >> 32) & ~0xfffull));
}

static uint32_t minor_of(uint64_t dev)
{
    return (uint32_t)((dev & 0xff) | ((dev >> 12) & ~0xffull));
}

static long put_statx(const struct fs_stat *in, struct statx_buf *out)
{
    if (!user_range_ok(out, sizeof *out))
        return -EFAULT;
    bytes_zero(out, sizeof *out);
    out->mask = STATX_BASIC_STATS;
    out->blksize = in->blksize;
    out->nlink = (uint32_t)in->nlink;
    out->mode = (uint16_t)in->mode;
    out->ino = in->ino;
    out->size = in->size;
    out->blocks = in->blocks;
    out->atime = statx_time_of(in->atime_ns);
    out->ctime = statx_time_of(in->ctime_ns);
    out->mtime = statx_time_of(in->mtime_ns);
    out->rdev_major = major_of(in->rdev);
    out->rdev_minor = minor_of(in->rdev);
    out->dev_major = major_of(in->dev);
    out->dev_minor = minor_of(in->dev);
    return 0;
}

long kiln_sys_statx(const struct syscall_args *args)
{
    int flags = (int)args->arg3;
    struct fs_stat st;

    if ((flags & ~(STAT_FLAGS | STATX_SYNC_FLAGS)) ||
        (flags & STATX_SYNC_FLAGS) == STATX_SYNC_FLAGS || ((uint32_t)args->arg4 & STATX_RESERVED))
        return -EINVAL;
    long err = stat_at((int)args->arg1, (const char *)(uintptr_t)args->arg2, flags, &st);
    return err ? err : put_statx(&st, (struct statx_buf *)(uintptr_t)args->arg5);
}

/* The program is root: it may read and write anything but a read-only
 * volume, and execute what has an execute bit (or is a folder). */
static long access_at(int dirfd, const char *path, int mode, int flags)
{
    struct fs_place place;
    struct fs_stat st;

    if ((mode & ~(R_OK | W_OK | X_OK)) || (flags & ~ACCESS_FLAGS))
        return -EINVAL;
    bool nofollow = flags & AT_SYMLINK_NOFOLLOW;
    long err = files_resolve(dirfd, path, nofollow ? FS_WALK_NOFOLLOW : 0, &place);
    if (!err)
        err = file_stat_place(&place, nofollow, &st);
    if (err)
        return err;
    if ((mode & W_OK) && place.volume != FS_NO_VOLUME && volume_read_only(place.volume))
        return -EROFS;
    if ((mode & X_OK) && !S_ISDIR(st.mode) && !(st.mode & ANY_EXECUTE))
        return -EACCES;
    return 0;
}

long kiln_sys_access(const struct syscall_args *args)
{
    return access_at(AT_FDCWD, (const char *)(uintptr_t)args->arg1, (int)args->arg2, 0);
}

long kiln_sys_faccessat(const struct syscall_args *args)
{
    return access_at((int)args->arg1, (const char *)(uintptr_t)args->arg2, (int)args->arg3, 0);
}

long kiln_sys_faccessat2(const struct syscall_args *args)
{
    return access_at((int)args->arg1, (const char *)(uintptr_t)args->arg2, (int)args->arg3,
                     (int)args->arg4);
}

static long readlink_at(int dirfd, const char *path, char *buf, int64_t size)
{
    struct fs_place place;

    if (size <= 0)
        return -EINVAL;
    long err = files_resolve(dirfd, path, FS_WALK_NOFOLLOW, &place);
    if (err)
        return err;
    if (!user_range_ok(buf, (uint64_t)size))
        return -EFAULT;
    if (place.volume != FS_NO_VOLUME) {
        struct volume_path_call call = {
            .op = KILN_PATH_READLINK, .path2 = buf, .path2_len = (uint32_t)size};
        return volume_path(&place, &call);
    }
    if (!place.node)
        return -ENOENT;
    if (!S_ISLNK(place.node->mode))
        return -EINVAL;
    const char *target = fs_node_target(kiln_fs(), place.node);
    uint64_t len = place.node->size < (uint64_t)size ? place.node->size : (uint64_t)size;
    if (!target)
        return -EIO;
    bytes_copy(buf, target, len);
    return (long)len;
}

long kiln_sys_readlink(const struct syscall_args *args)
{
    return readlink_at(AT_FDCWD, (const char *)(uintptr_t)args->arg1, (char *)(uintptr_t)args->arg2,
                       (int64_t)(int32_t)args->arg3);
}

long kiln_sys_readlinkat(const struct syscall_args *args)
{
    return readlink_at((int)args->arg1, (const char *)(uintptr_t)args->arg2,
                       (char *)(uintptr_t)args->arg3, (int64_t)(int32_t)args->arg4);
}
