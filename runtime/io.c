#define _GNU_SOURCE
#include "io.h"
#include "fd_table.h"
#include "iov.h"
#include "user_range.h"
#include <errno.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define AT_POSITION (-1) /* preadv2 and pwritev2: the file's position */
#define RWF_KNOWN   0x1f /* RWF_HIPRI, _DSYNC, _SYNC, _NOWAIT (hints here), _APPEND */
#define RWF_APPEND  0x10

enum direction { READS, WRITES };

static bool allowed(const struct open_file *file, enum direction direction)
{
    uint32_t access = file->flags & O_ACCMODE;

    if (file->flags & O_PATH)
        return false;
    return direction == READS ? access != O_WRONLY : access != O_RDONLY;
}

/* Every form comes here; offset AT_POSITION uses and moves the file's
 * position.  The checks come in Linux's order. */
static long transfer(int fd, const struct iovec *iov, int count, int64_t offset,
                     enum direction direction)
{
    struct open_file *file = fd_file(fd);
    uint64_t total;

    if (!file)
        return -EBADF;
    if (offset != AT_POSITION && !file->ops->seek)
        return -ESPIPE;
    if (!allowed(file, direction))
        return -EBADF;
    long (*op)(struct open_file *, const struct iovec *, int, uint64_t *) =
        direction == READS ? file->ops->read : file->ops->write;
    if (!op)
        return -EINVAL;
    long err = iov_check(iov, count, &total);
    if (err)
        return err;
    uint64_t pos = offset == AT_POSITION ? file->pos : (uint64_t)offset;
    long done = op(file, iov, count, &pos);
    if (offset == AT_POSITION)
        file->pos = pos;
    return done;
}

static long transfer_one(int fd, uint64_t buf, uint64_t len, int64_t offset,
                         enum direction direction)
{
    struct iovec piece = {
        .iov_base = (void *)(uintptr_t)buf,
        .iov_len = len < SYSCALL_MAX_RW_COUNT ? len : SYSCALL_MAX_RW_COUNT,
    };
    return transfer(fd, &piece, 1, offset, direction);
}

long kiln_sys_read(const struct syscall_args *args)
{
    return transfer_one((int)args->arg1, args->arg2, args->arg3, AT_POSITION, READS);
}

long kiln_sys_write(const struct syscall_args *args)
{
    return transfer_one((int)args->arg1, args->arg2, args->arg3, AT_POSITION, WRITES);
}

long kiln_sys_pread64(const struct syscall_args *args)
{
    int64_t offset = (int64_t)args->arg4;
    return offset < 0 ? -EINVAL
                      : transfer_one((int)args->arg1, args->arg2, args->arg3, offset, READS);
}

long kiln_sys_pwrite64(const struct syscall_args *args)
{
    int64_t offset = (int64_t)args->arg4;
    return offset < 0 ? -EINVAL
                      : transfer_one((int)args->arg1, args->arg2, args->arg3, offset, WRITES);
}

static long transfer_vector(const struct syscall_args *args, int64_t offset,
                            enum direction direction)
{
    return transfer((int)args->arg1, (const struct iovec *)(uintptr_t)args->arg2, (int)args->arg3,
                    offset, direction);
}

long kiln_sys_readv(const struct syscall_args *args)
{
    return transfer_vector(args, AT_POSITION, READS);
}

long kiln_sys_writev(const struct syscall_args *args)
{
    return transfer_vector(args, AT_POSITION, WRITES);
}

/* On x86-64 the offset is arg4 whole; arg5 (its high half on 32-bit
 * systems) is ignored, as Linux ignores it. */
long kiln_sys_preadv(const struct syscall_args *args)
{
    int64_t offset = (int64_t)args->arg4;
    return offset < 0 ? -EINVAL : transfer_vector(args, offset, READS);
}

long kiln_sys_pwritev(const struct syscall_args *args)
{
    int64_t offset = (int64_t)args->arg4;
    return offset < 0 ? -EINVAL : transfer_vector(args, offset, WRITES);
}

/* RWF_APPEND appends this one write, as O_APPEND would. */
static long transfer_vector2(const struct syscall_args *args, enum direction direction)
{
    int64_t offset = (int64_t)args->arg4;
    struct open_file *file = fd_file((int)args->arg1);
    bool append =
        direction == WRITES && (args->arg6 & RWF_APPEND) && file && !(file->flags & O_APPEND);

    if (args->arg6 & ~(uint64_t)RWF_KNOWN)
        return -EOPNOTSUPP;
    if (offset < AT_POSITION)
        return -EINVAL;
    if (append)
        file->flags |= O_APPEND;
    long done = transfer_vector(args, offset, direction);
    if (append)
        file->flags &= ~(uint32_t)O_APPEND;
    return done;
}

long kiln_sys_preadv2(const struct syscall_args *args)
{
    return transfer_vector2(args, READS);
}

long kiln_sys_pwritev2(const struct syscall_args *args)
{
    return transfer_vector2(args, WRITES);
}

long kiln_sys_lseek(const struct syscall_args *args)
{
    struct open_file *file = fd_file((int)args->arg1);
    int whence = (int)args->arg3;

    if (!file)
        return -EBADF;
    if (!file->ops->seek)
        return -ESPIPE;
    if (whence < SEEK_SET || whence > SEEK_HOLE)
        return -EINVAL;
    return file->ops->seek(file, (int64_t)args->arg2, whence);
}

/* FIONBIO sets O_NONBLOCK as fcntl would. */
static long set_nonblocking(struct open_file *file, const int *on)
{
    if (!user_range_ok(on, sizeof *on))
        return -EFAULT;
    file->flags = *on ? file->flags | O_NONBLOCK : file->flags & ~(uint32_t)O_NONBLOCK;
    return 0;
}

/* No file here is a terminal: TIOCGWINSZ fails, so musl fully buffers
 * stdout.  The requests every file takes are here; the rest are the
 * kind's (a pipe's FIONREAD). */
long kiln_sys_ioctl(const struct syscall_args *args)
{
    int fd = (int)args->arg1;
    unsigned request = (unsigned)args->arg2;
    struct open_file *file = fd_file(fd);

    if (!file)
        return -EBADF;
    switch (request) {
    case FIOCLEX:
    case FIONCLEX:
        fd_set_cloexec(fd, request == FIOCLEX);
        return 0;
    case FIONBIO:
        return set_nonblocking(file, (const int *)(uintptr_t)args->arg3);
    default:
        return file->ops->ioctl ? file->ops->ioctl(file, request, args->arg3) : -ENOTTY;
    }
}
