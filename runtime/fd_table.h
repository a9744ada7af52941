/*
 * File descriptors.  The fd table maps each fd to a refcounted open file
 * (Linux's "open file description": position, status flags), which dup
 * shares and close releases.  Each kind of open file (the console, a
 * file, folder or device of the layer, a volume's file or folder) brings
 * its own ops; a new kind (pipes) adds a member to the union and an ops
 * table, and the syscall handlers need not change.  fds 0-2 start as the
 * console, ordinary entries that dup2, close and reopen like any other.
 * Pipes, eventfds, timerfds and epoll sets live in the VM (poll.h).
 */
#ifndef KILN_RUNTIME_FD_TABLE_H
#define KILN_RUNTIME_FD_TABLE_H

#include "fs_node.h"
#include "interval_timer.h"
#include <stdbool.h>
#include <stdint.h>
#include <sys/uio.h>

#define FD_LIMIT 1024 /* RLIMIT_NOFILE: process.c answers it */

struct open_file;
struct dir_cursor;
struct pipe;
struct epoll_item;
struct poll_look;

/* What fchmod and futimens change: a mode, and times in ns or
 * KILN_TIME_NOW / KILN_TIME_OMIT. */
struct file_change {
    bool mode_set;
    bool times_set;
    uint32_t mode;
    int64_t atime_ns;
    int64_t mtime_ns;
};

/* Every op returns Linux's answer, a result or -errno.  A NULL op is the
 * answer Linux gives a file that cannot do it (see each). */
struct file_ops {
    /* count pieces at *pos (kinds without a position ignore it), which
     * advances by the bytes done. */
    long (*read)(struct open_file *file, const struct iovec *iov, int count, uint64_t *pos);
    long (*write)(struct open_file *file, const struct iovec *iov, int count, uint64_t *pos);
    long (*stat)(struct open_file *file, struct fs_stat *st);
    /* The new position, set in file->pos.  NULL: ESPIPE (and for pread). */
    long (*seek)(struct open_file *file, int64_t offset, int whence);
    /* Linux's struct linux_dirent64 records.  NULL: ENOTDIR. */
    long (*getdents)(struct open_file *file, void *buf, uint64_t len);
    /* NULL: EINVAL. */
    long (*truncate)(struct open_file *file, uint64_t size);
    /* fsync.  NULL: EINVAL, as for a pipe or terminal. */
    long (*sync)(struct open_file *file);
    /* fchmod, futimens.  NULL: accepted and forgotten (the console). */
    long (*change)(struct open_file *file, const struct file_change *change);
    /* A folder as the start of a relative path (*at, fchdir).  NULL:
     * ENOTDIR. */
    long (*where)(struct open_file *file, struct fs_where *where);
    /* The POLL* events the file has now, for poll, select and epoll
     * (poll.h).  NULL: always ready to read and write, as a file is on
     * Linux, and epoll refuses it (EPERM). */
    uint32_t (*poll)(struct open_file *file, uint32_t wanted, struct poll_look *look);
    /* ioctl requests of the kind (FIONREAD).  NULL: ENOTTY. */
    long (*ioctl)(struct open_file *file, unsigned request, uint64_t arg);
    /* The last reference is gone: free what the kind holds. */
    void (*release)(struct open_file *file);
};

struct open_file {
    const struct file_ops *ops;
    uint32_t refs;
    uint32_t flags; /* O_ACCMODE, O_APPEND, O_NONBLOCK...: what F_GETFL says */
    uint64_t pos;
    struct epoll_item *watchers; /* the epoll sets' items for this file */
    union {
        struct {
            struct fs_node *node; /* held */
            struct dir_cursor *cursor;
        } layer;
        struct {
            uint32_t volume;
            uint32_t handle;
            char *path; /* beneath the volume: a folder starts *at calls */
            uint32_t path_len;
            bool listed; /* getdents moved the host's position */
        } volume;
        uint32_t host_fd;  /* the console: the monitor's fd 0-2 */
        struct pipe *pipe; /* either end: O_ACCMODE says which */
        struct {
            uint64_t count;
            uint32_t fed;     /* writes: news for readers (EPOLLET) */
            uint32_t drained; /* reads: news for writers */
            bool semaphore;
        } eventfd;
        struct {
            struct interval_timer when;
            uint64_t ticks;   /* expirations not read yet */
            int32_t clock;    /* what an absolute time counts on */
            uint32_t changes; /* expirations and settings (EPOLLET) */
        } timer;
        struct epoll_item *items; /* an epoll set, in the order it reports */
    };
};

/* A new open file with one reference; NULL: -ENOMEM. */
struct open_file *open_file_new(const struct file_ops *ops, uint32_t flags);

/* Frees what open_file_new gave (a kind's release calls it). */
void open_file_free(struct open_file *file);

void open_file_hold(struct open_file *file);
void open_file_release(struct open_file *file);

/* fstat of a kind with no file behind it (eventfd, timerfd, epoll):
 * Linux's one anonymous inode. */
long open_file_anon_stat(struct open_file *file, struct fs_stat *st);

/* lseek's SEEK_SET, SEEK_CUR and SEEK_END (SEEK_DATA and SEEK_HOLE as for
 * a file with no holes) on a file of size bytes: the new position. */
long open_file_seek(struct open_file *file, int64_t offset, int whence, uint64_t size);

/* The open file of fd; NULL if fd is not open. */
struct open_file *fd_file(int fd);

/* Is there a free fd?  Checked before opening, as Linux does. */
bool fd_room(void);

/* Takes over the reference to file at the lowest free fd from lowest: the
 * fd, or -EMFILE with the reference dropped. */
int fd_install(struct open_file *file, int lowest, bool cloexec);

/* Takes over the reference to file at fd, closing what was there. */
void fd_install_at(int fd, struct open_file *file, bool cloexec);

/* 0, or -EBADF. */
int fd_close(int fd);

bool fd_cloexec(int fd);
void fd_set_cloexec(int fd, bool cloexec);

#endif
