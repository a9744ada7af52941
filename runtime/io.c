/*
 * fds 0-2, the only files there are: stdin is read-only, stdout and stderr
 * write-only, and each read or write is one exit to the host (about 43 us).
 * readv and writev of a few KiB gather into one bounce buffer so that they
 * cost one exit, not one per piece (musl's stdio writes its buffer and the
 * new data as two pieces).  Every path lookup fails: no file system yet.
 */
#define _GNU_SOURCE
#include "io.h"
#include "bytes.h"
#include "hypercall.h"
#include "response.h"
#include "user_range.h"
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <sys/uio.h>

#define STD_FD_COUNT      3
#define IOV_COUNT_MAX     1024
#define IO_BOUNCE_SIZE    4096
#define STD_FD_MODE       (S_IFCHR | 0620)
#define STD_FD_BLOCK_SIZE 4096

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

#define STATX_BASIC_STATS_MASK 0x7ffu
#define STAT_FLAGS             (AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT)
#define STATX_SYNC_FLAGS       0x6000

struct io_state {
    uint8_t closed; /* bit n: the program closed fd n */
    char bounce[IO_BOUNCE_SIZE];
};

static struct io_state *io_get(void)
{
    static struct io_state io;
    return &io;
}

bool kiln_io_fd_open(int fd)
{
    return fd >= 0 && fd < STD_FD_COUNT && !(io_get()->closed & (1u << fd));
}

static bool fd_readable(int fd)
{
    return fd == 0 && kiln_io_fd_open(fd);
}

static bool fd_writable(int fd)
{
    return fd > 0 && kiln_io_fd_open(fd);
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
    return a < b ? a : b;
}

/* Checks an iovec array as Linux does and totals its lengths. */
static long iov_total(const struct iovec *iov, int count, uint64_t *total)
{
    uint64_t sum = 0;

    if (count < 0 || count > IOV_COUNT_MAX)
        return -EINVAL;
    if (count > 0 && !user_range_ok(iov, (uint64_t)count * sizeof *iov))
        return -EFAULT;
    for (int i = 0; i < count; i++) {
        uint64_t len = iov[i].iov_len;
        if (len > (uint64_t)SSIZE_MAX - sum)
            return -EINVAL;
        if (len > 0 && !user_range_ok(iov[i].iov_base, len))
            return -EFAULT;
        sum += len;
    }
    *total = sum;
    return 0;
}

/* Under kiln serve, stdout is gathered for the FINISH call. */
static int64_t write_out(int fd, const void *buf, uint64_t len)
{
    if (fd == 1 && kiln_response_active())
        return kiln_response_write(buf, len);
    return hypercall_write((uint32_t)fd, buf, len);
}

long kiln_sys_read(const struct syscall_args *args)
{
    int fd = (int)args->arg1;
    void *buf = (void *)(uintptr_t)args->arg2;
    uint64_t len = min_u64(args->arg3, SYSCALL_MAX_RW_COUNT);

    if (!fd_readable(fd))
        return -EBADF;
    if (len == 0)
        return 0;
    if (!user_range_ok(buf, len))
        return -EFAULT;
    return hypercall_read((uint32_t)fd, buf, len);
}

long kiln_sys_write(const struct syscall_args *args)
{
    int fd = (int)args->arg1;
    const void *buf = (const void *)(uintptr_t)args->arg2;
    uint64_t len = min_u64(args->arg3, SYSCALL_MAX_RW_COUNT);

    if (!fd_writable(fd))
        return -EBADF;
    if (len == 0)
        return 0;
    if (!user_range_ok(buf, len))
        return -EFAULT;
    return write_out(fd, buf, len);
}

/* One READ into the bounce buffer, scattered over the pieces. */
static long read_scattered(int fd, const struct iovec *iov, int count, uint64_t total)
{
    char *bounce = io_get()->bounce;
    int64_t got = hypercall_read((uint32_t)fd, bounce, total);

    if (got <= 0)
        return got;
    uint64_t left = min_u64((uint64_t)got, total);
    for (int i = 0; i < count && left > 0; i++) {
        uint64_t len = min_u64(iov[i].iov_len, left);
        bytes_copy(iov[i].iov_base, bounce, len);
        bounce += len;
        left -= len;
    }
    return got;
}

/* Reads into the first non-empty piece only: a short read is what a pipe
 * or terminal gives anyway, and asking for more could block on input that
 * is not there. */
static long read_first_piece(int fd, const struct iovec *iov, int count)
{
    for (int i = 0; i < count; i++)
        if (iov[i].iov_len > 0)
            return hypercall_read((uint32_t)fd, iov[i].iov_base,
                                  min_u64(iov[i].iov_len, SYSCALL_MAX_RW_COUNT));
    return 0;
}

long kiln_sys_readv(const struct syscall_args *args)
{
    int fd = (int)args->arg1;
    const struct iovec *iov = (const struct iovec *)(uintptr_t)args->arg2;
    int count = (int)args->arg3;
    uint64_t total;

    if (!fd_readable(fd))
        return -EBADF;
    long err = iov_total(iov, count, &total);
    if (err)
        return err;
    if (total == 0)
        return 0;
    if (total <= IO_BOUNCE_SIZE && count > 1)
        return read_scattered(fd, iov, count, total);
    return read_first_piece(fd, iov, count);
}

/* The pieces gathered into the bounce buffer, written with one WRITE. */
static long write_gathered(int fd, const struct iovec *iov, int count, uint64_t total)
{
    char *bounce = io_get()->bounce;
    uint64_t at = 0;

    for (int i = 0; i < count; i++) {
        bytes_copy(bounce + at, iov[i].iov_base, iov[i].iov_len);
        at += iov[i].iov_len;
    }
    return write_out(fd, bounce, total);
}

/* One WRITE per piece, stopping at the first short one or error. */
static long write_each(int fd, const struct iovec *iov, int count)
{
    uint64_t done = 0;

    for (int i = 0; i < count && done < SYSCALL_MAX_RW_COUNT; i++) {
        uint64_t len = min_u64(iov[i].iov_len, SYSCALL_MAX_RW_COUNT - done);
        if (len == 0)
            continue;
        int64_t wrote = write_out(fd, iov[i].iov_base, len);
        if (wrote < 0)
            return done > 0 ? (long)done : wrote;
        done += (uint64_t)wrote;
        if ((uint64_t)wrote < len)
            break;
    }
    return (long)done;
}

long kiln_sys_writev(const struct syscall_args *args)
{
    int fd = (int)args->arg1;
    const struct iovec *iov = (const struct iovec *)(uintptr_t)args->arg2;
    int count = (int)args->arg3;
    uint64_t total;

    if (!fd_writable(fd))
        return -EBADF;
    long err = iov_total(iov, count, &total);
    if (err)
        return err;
    if (total == 0)
        return 0;
    if (total <= IO_BOUNCE_SIZE && count > 1)
        return write_gathered(fd, iov, count, total);
    return write_each(fd, iov, count);
}

/* pread64, pwrite64, preadv, pwritev and their v2 forms: a console has no
 * position. */
long kiln_sys_positioned_io(const struct syscall_args *args)
{
    return kiln_io_fd_open((int)args->arg1) ? -ESPIPE : -EBADF;
}

long kiln_sys_lseek(const struct syscall_args *args)
{
    return kiln_io_fd_open((int)args->arg1) ? -ESPIPE : -EBADF;
}

/* open, openat, stat, lstat, access, readlink...: no file system yet. */
long kiln_sys_no_such_file(const struct syscall_args *args)
{
    (void)args;
    return -ENOENT;
}

long kiln_sys_close(const struct syscall_args *args)
{
    int fd = (int)args->arg1;

    if (!kiln_io_fd_open(fd))
        return -EBADF;
    io_get()->closed |= (uint8_t)(1u << fd);
    return 0;
}

static long stat_std_fd(int fd, struct stat *st)
{
    if (!kiln_io_fd_open(fd))
        return -EBADF;
    if (!user_range_ok(st, sizeof *st))
        return -EFAULT;
    bytes_zero(st, sizeof *st);
    st->st_mode = STD_FD_MODE;
    st->st_nlink = 1;
    st->st_ino = (ino_t)fd + 1;
    st->st_blksize = STD_FD_BLOCK_SIZE;
    return 0;
}

long kiln_sys_fstat(const struct syscall_args *args)
{
    return stat_std_fd((int)args->arg1, (struct stat *)(uintptr_t)args->arg2);
}

/* Only "" with AT_EMPTY_PATH names something: the fd itself. */
static long empty_path_check(const char *path, int flags)
{
    if (!user_range_ok(path, 1))
        return -EFAULT;
    return path[0] == '\0' && (flags & AT_EMPTY_PATH) ? 0 : -ENOENT;
}

long kiln_sys_newfstatat(const struct syscall_args *args)
{
    int fd = (int)args->arg1;
    const char *path = (const char *)(uintptr_t)args->arg2;
    int flags = (int)args->arg4;

    if (flags & ~STAT_FLAGS)
        return -EINVAL;
    long err = empty_path_check(path, flags);
    return err ? err : stat_std_fd(fd, (struct stat *)(uintptr_t)args->arg3);
}

long kiln_sys_statx(const struct syscall_args *args)
{
    int fd = (int)args->arg1;
    const char *path = (const char *)(uintptr_t)args->arg2;
    int flags = (int)args->arg3;
    struct statx_buf *stx = (struct statx_buf *)(uintptr_t)args->arg5;

    if (flags & ~(STAT_FLAGS | STATX_SYNC_FLAGS))
        return -EINVAL;
    long err = empty_path_check(path, flags);
    if (err)
        return err;
    if (!kiln_io_fd_open(fd))
        return -EBADF;
    if (!user_range_ok(stx, sizeof *stx))
        return -EFAULT;
    bytes_zero(stx, sizeof *stx);
    stx->mask = STATX_BASIC_STATS_MASK;
    stx->blksize = STD_FD_BLOCK_SIZE;
    stx->nlink = 1;
    stx->mode = STD_FD_MODE;
    stx->ino = (uint64_t)fd + 1;
    return 0;
}

/* Not a terminal: TIOCGWINSZ fails, so musl fully buffers stdout. */
long kiln_sys_ioctl(const struct syscall_args *args)
{
    return kiln_io_fd_open((int)args->arg1) ? -ENOTTY : -EBADF;
}

long kiln_sys_fcntl(const struct syscall_args *args)
{
    int fd = (int)args->arg1;

    if (!kiln_io_fd_open(fd))
        return -EBADF;
    switch ((int)args->arg2) {
    case F_GETFD:
    case F_SETFD:
    case F_SETFL:
        return 0;
    case F_GETFL:
        return fd == 0 ? O_RDONLY : O_WRONLY;
    case F_DUPFD:
    case F_DUPFD_CLOEXEC:
        return -EMFILE;
    default:
        return -EINVAL;
    }
}
