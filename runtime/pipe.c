/*
 * The ring's pages come one at a time from the file layer's heap, as
 * writes first reach them, and go back to it when both ends are closed:
 * an idle pipe costs one small object, and a program that makes and
 * closes pipes in a loop reuses the same pages.
 */
#define _GNU_SOURCE
#include "pipe.h"
#include "bytes.h"
#include "fd_table.h"
#include "files.h"
#include "iov.h"
#include "min_max.h"
#include "poll.h"
#include "sched.h"
#include "signal.h"
#include "user_range.h"
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/stat.h>

#define PIPE_SIZE   65536u
#define PIPE_PAGES  (PIPE_SIZE / FS_PAGE_SIZE)
#define PIPE_MODE   (S_IFIFO | 0600)
#define PIPE2_FLAGS (O_CLOEXEC | O_NONBLOCK)

struct pipe {
    char *pages[PIPE_PAGES];
    uint32_t head; /* where the next read starts, in [0, PIPE_SIZE) */
    uint32_t len;  /* bytes held */
    bool read_open;
    bool write_open;
    uint32_t fed;     /* writes and the writer's close: news for the reader (EPOLLET) */
    uint32_t drained; /* reads and the reader's close: news for the writer */
};

static bool is_read_end(const struct open_file *file)
{
    return (file->flags & O_ACCMODE) == O_RDONLY;
}

static void changed(void)
{
    sched_wake(&io_changed, SCHED_WAKE_ALL);
}

/* Moves len bytes between the ring at offset at and buf: the bytes moved,
 * fewer only when a page for a write cannot be had. */
static uint64_t ring_move(struct pipe *pipe, uint32_t at, char *buf, uint64_t len, bool into_ring)
{
    struct fs *fs = kiln_fs();
    uint64_t done = 0;

    while (done < len) {
        uint32_t offset = at % FS_PAGE_SIZE;
        uint32_t chunk = (uint32_t)min_u64(len - done, FS_PAGE_SIZE - offset);
        char **page = &pipe->pages[at / FS_PAGE_SIZE];
        if (!*page && !(*page = fs_alloc(&fs->heap, FS_PAGE_SIZE)))
            break;
        if (into_ring)
            bytes_copy(*page + offset, buf + done, chunk);
        else
            bytes_copy(buf + done, *page + offset, chunk);
        done += chunk;
        at = (at + chunk) % PIPE_SIZE;
    }
    return done;
}

/* Moves len bytes between the ring at offset at and the pieces, skip
 * bytes into them: the bytes moved. */
static uint64_t ring_move_pieces(struct pipe *pipe, uint32_t at, const struct iovec *iov, int count,
                                 uint64_t skip, uint64_t len, bool into_ring)
{
    uint64_t done = 0;

    for (int i = 0; i < count && done < len; i++) {
        uint64_t piece = iov[i].iov_len;
        if (skip >= piece) {
            skip -= piece;
            continue;
        }
        uint64_t want = min_u64(piece - skip, len - done);
        uint64_t moved = ring_move(pipe, (at + done) % PIPE_SIZE, (char *)iov[i].iov_base + skip,
                                   want, into_ring);
        done += moved;
        skip = 0;
        if (moved < want)
            break;
    }
    return done;
}

static long take(struct pipe *pipe, const struct iovec *iov, int count, uint64_t want)
{
    uint64_t len =
        ring_move_pieces(pipe, pipe->head, iov, count, 0, min_u64(want, pipe->len), false);

    pipe->head = (uint32_t)((pipe->head + len) % PIPE_SIZE);
    pipe->len -= (uint32_t)len;
    pipe->drained++;
    changed();
    return (long)len;
}

/* A read takes what is there, up to what was asked; an empty pipe waits
 * while a writer is left, and then reads as its end (0). */
static long pipe_read(struct open_file *file, const struct iovec *iov, int count, uint64_t *pos)
{
    struct pipe *pipe = file->pipe;
    uint64_t want = iov_length(iov, count);

    (void)pos;
    if (want == 0)
        return 0;
    for (;;) {
        if (pipe->len > 0)
            return take(pipe, iov, count, want);
        if (!pipe->write_open)
            return 0;
        if (file->flags & O_NONBLOCK)
            return -EAGAIN;
        if (sched_wait(&io_changed, 0, 0, "read of a pipe") == -EINTR)
            return -ERESTARTSYS;
    }
}

static uint64_t put(struct pipe *pipe, const struct iovec *iov, int count, uint64_t skip,
                    uint64_t len)
{
    uint32_t tail = (pipe->head + pipe->len) % PIPE_SIZE;
    uint64_t moved = ring_move_pieces(pipe, tail, iov, count, skip, len, true);

    pipe->len += (uint32_t)moved;
    pipe->fed++;
    changed();
    return moved;
}

/* A write of PIPE_BUF bytes or fewer lands whole, waiting for room; a
 * larger one fills what room there is and waits for more until it is
 * done (O_NONBLOCK: it stops there).  With no reader left it raises
 * SIGPIPE and fails with EPIPE, as Linux does. */
static long pipe_write(struct open_file *file, const struct iovec *iov, int count, uint64_t *pos)
{
    struct pipe *pipe = file->pipe;
    uint64_t total = iov_length(iov, count), done = 0;

    (void)pos;
    if (total == 0)
        return 0;
    for (;;) {
        if (!pipe->read_open) {
            signal_raise_current(SIGPIPE);
            return done ? (long)done : -EPIPE;
        }
        uint64_t room = PIPE_SIZE - pipe->len;
        if (room >= total - done || (room > 0 && total > PIPE_BUF)) {
            uint64_t want = min_u64(room, total - done);
            uint64_t moved = put(pipe, iov, count, done, want);
            done += moved;
            if (done == total || moved < want)
                return done ? (long)done : -ENOMEM;
        }
        if (file->flags & O_NONBLOCK)
            return done ? (long)done : -EAGAIN;
        if (sched_wait(&io_changed, 0, 0, "write to a full pipe") == -EINTR)
            return done ? (long)done : -ERESTARTSYS;
    }
}

/* Writable while a page's worth of room is left: Linux counts a pipe's
 * room in pages. */
static uint32_t pipe_poll(struct open_file *file, uint32_t wanted, struct poll_look *look)
{
    struct pipe *pipe = file->pipe;

    (void)wanted;
    if (is_read_end(file)) {
        look->changes = pipe->fed;
        return (pipe->len > 0 ? POLLIN | POLLRDNORM : 0) | (pipe->write_open ? 0 : POLLHUP);
    }
    look->changes = pipe->drained;
    return (PIPE_SIZE - pipe->len >= PIPE_BUF ? POLLOUT | POLLWRNORM : 0) |
           (pipe->read_open ? 0 : POLLERR);
}

/* Both ends have one inode: the pipe's address names it while it lives. */
static long pipe_stat(struct open_file *file, struct fs_stat *st)
{
    *st = (struct fs_stat){
        .ino = (uint64_t)(uintptr_t)file->pipe,
        .nlink = 1,
        .mode = PIPE_MODE,
        .blksize = FS_PAGE_SIZE,
    };
    return 0;
}

static long pipe_ioctl(struct open_file *file, unsigned request, uint64_t arg)
{
    int *unread = (int *)(uintptr_t)arg;

    if (request != FIONREAD)
        return -ENOTTY;
    if (!user_range_ok(unread, sizeof *unread))
        return -EFAULT;
    *unread = (int)file->pipe->len;
    return 0;
}

static void pipe_free(struct pipe *pipe)
{
    struct fs_heap *heap = &kiln_fs()->heap;

    for (uint32_t i = 0; i < PIPE_PAGES; i++)
        fs_free(heap, pipe->pages[i], FS_PAGE_SIZE);
    fs_free(heap, pipe, sizeof *pipe);
}

static void pipe_release(struct open_file *file)
{
    struct pipe *pipe = file->pipe;

    if (is_read_end(file)) {
        pipe->read_open = false;
        pipe->drained++;
    } else {
        pipe->write_open = false;
        pipe->fed++;
    }
    open_file_free(file);
    changed();
    if (!pipe->read_open && !pipe->write_open)
        pipe_free(pipe);
}

/* Both ends share the ops; io.c keeps each to its direction by O_ACCMODE. */
static const struct file_ops pipe_ops = {
    .read = pipe_read,
    .write = pipe_write,
    .stat = pipe_stat,
    .poll = pipe_poll,
    .ioctl = pipe_ioctl,
    .release = pipe_release,
};

/* The two ends at two free fds, as Linux wants them (EMFILE otherwise). */
static long install_ends(struct open_file *reader, struct open_file *writer, int *fds, bool cloexec)
{
    int read_fd = fd_install(reader, 0, cloexec);

    if (read_fd < 0) {
        open_file_release(writer);
        return read_fd;
    }
    int write_fd = fd_install(writer, 0, cloexec);
    if (write_fd < 0) {
        fd_close(read_fd);
        return write_fd;
    }
    fds[0] = read_fd;
    fds[1] = write_fd;
    return 0;
}

/* O_DIRECT (packet mode) is refused: kiln's pipes carry bytes only. */
static long pipe_make(int *fds, uint32_t flags)
{
    if (flags & ~(uint32_t)PIPE2_FLAGS)
        return -EINVAL;
    if (!user_range_ok(fds, 2 * sizeof *fds))
        return -EFAULT;
    struct fs *fs = kiln_fs();
    struct pipe *pipe = fs ? fs_alloc(&fs->heap, sizeof *pipe) : NULL;
    struct open_file *reader = pipe ? open_file_new(&pipe_ops, O_RDONLY | flags) : NULL;
    struct open_file *writer = reader ? open_file_new(&pipe_ops, O_WRONLY | flags) : NULL;
    if (!writer) {
        if (reader)
            open_file_free(reader);
        if (pipe)
            fs_free(&fs->heap, pipe, sizeof *pipe);
        return -ENOMEM;
    }
    *pipe = (struct pipe){.read_open = true, .write_open = true};
    reader->pipe = pipe;
    writer->pipe = pipe;
    return install_ends(reader, writer, fds, flags & O_CLOEXEC);
}

long kiln_sys_pipe(const struct syscall_args *args)
{
    return pipe_make((int *)(uintptr_t)args->arg1, 0);
}

long kiln_sys_pipe2(const struct syscall_args *args)
{
    return pipe_make((int *)(uintptr_t)args->arg1, (uint32_t)args->arg2);
}
