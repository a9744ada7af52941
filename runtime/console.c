#define _GNU_SOURCE
#include "console.h"
#include "hypercall.h"
#include "iov.h"
#include "min_max.h"
#include "poll.h"
#include "response.h"
#include "sched.h"
#include "syscall.h"
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>

#define CONSOLE_MODE   (S_IFCHR | 0620)
#define CONSOLE_DEVICE 0x8800 /* /dev/pts/0: what a terminal's stat shows */

/* Under kiln serve, stdout is gathered for the FINISH call. */
static int64_t write_out(uint32_t host_fd, const void *buf, uint64_t len)
{
    if (host_fd == 1 && kiln_response_active())
        return kiln_response_write(buf, len);
    return hypercall_write(host_fd, buf, len);
}

/* One READ into the bounce buffer, scattered over the pieces. */
static long read_scattered(uint32_t host_fd, const struct iovec *iov, int count, uint64_t total)
{
    int64_t got = hypercall_read(host_fd, iov_bounce(), total);

    if (got > 0)
        iov_scatter(iov, count, iov_bounce(), min_u64((uint64_t)got, total));
    return got;
}

/* Reading stdin blocks in the monitor, unless other threads could run
 * meanwhile or the fd is non-blocking: then the read waits for input here. */
static long wait_for_input(const struct open_file *file)
{
    static struct wait_queue readers;
    bool nonblocking = file->flags & O_NONBLOCK;

    if (!nonblocking && !sched_threaded())
        return 0;
    while (!sched_stdin_ready()) {
        if (nonblocking)
            return -EAGAIN;
        if (sched_wait(&readers, 0, SCHED_WAIT_STDIN, "read of stdin") == -EINTR)
            return -ERESTARTSYS;
    }
    return 0;
}

/* Large reads fill the first non-empty piece only: a short read is what a
 * pipe or terminal gives anyway, and asking for more could block on input
 * that is not there. */
static long read_input(const struct open_file *file, const struct iovec *iov, int count)
{
    uint64_t total = iov_length(iov, count);

    if (total <= IOV_BOUNCE_SIZE && count > 1)
        return read_scattered(file->host_fd, iov, count, total);
    for (int i = 0; i < count; i++)
        if (iov[i].iov_len > 0)
            return hypercall_read(file->host_fd, iov[i].iov_base,
                                  min_u64(iov[i].iov_len, SYSCALL_MAX_RW_COUNT));
    return 0;
}

/* The console has no position to seek, so pos counts the bytes read: an
 * EPOLLET watcher of stdin takes a read as news (console_poll). */
static long console_read(struct open_file *file, const struct iovec *iov, int count, uint64_t *pos)
{
    long got = wait_for_input(file);

    if (got == 0)
        got = read_input(file, iov, count);
    if (got == -EINTR)
        got = -ERESTARTSYS; /* a signal kiln was sent cut the monitor's read short */
    if (got > 0)
        *pos += (uint64_t)got;
    return got;
}

static int64_t write_piece(void *file, void *buf, uint64_t len, uint64_t pos)
{
    const struct open_file *console = file;
    (void)pos;
    return write_out(console->host_fd, buf, min_u64(len, SYSCALL_MAX_RW_COUNT));
}

/* A small vector in one WRITE; a large one a WRITE per piece. */
static long console_write(struct open_file *file, const struct iovec *iov, int count, uint64_t *pos)
{
    uint64_t total = iov_length(iov, count);

    (void)pos;
    if (total <= IOV_BOUNCE_SIZE && count > 1) {
        iov_gather(iov_bounce(), iov, count);
        return write_out(file->host_fd, iov_bounce(), total);
    }
    return iov_each(iov, count, 0, write_piece, file);
}

static long console_stat(struct open_file *file, struct fs_stat *st)
{
    *st = (struct fs_stat){
        .dev = CONSOLE_DEVICE,
        .ino = (uint64_t)file->host_fd + 1,
        .nlink = 1,
        .rdev = CONSOLE_DEVICE,
        .mode = CONSOLE_MODE,
        .blksize = IOV_BOUNCE_SIZE,
    };
    return 0;
}

/* stdin is readable when the monitor's has input or has ended; stdout
 * and stderr always take writes. */
static uint32_t console_poll(struct open_file *file, uint32_t wanted, struct poll_look *look)
{
    look->changes = (uint32_t)file->pos;
    if (file->host_fd != 0)
        return POLLOUT | POLLWRNORM;
    if (!(wanted & (POLLIN | POLLRDNORM)))
        return 0;
    if (sched_stdin_ready())
        return POLLIN | POLLRDNORM;
    look->wait_flags |= SCHED_WAIT_STDIN;
    return 0;
}

static void console_release(struct open_file *file)
{
    (void)file;
}

static const struct file_ops console_ops = {
    .read = console_read,
    .write = console_write,
    .stat = console_stat,
    .poll = console_poll,
    .release = console_release,
};

struct open_file *console_file(int host_fd)
{
    static struct open_file consoles[CONSOLE_FDS];
    struct open_file *file = &consoles[host_fd];

    file->ops = &console_ops;
    file->refs = 1;
    file->flags = host_fd == 0 ? O_RDONLY : O_WRONLY;
    file->host_fd = (uint32_t)host_fd;
    return file;
}
