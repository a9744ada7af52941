#define _GNU_SOURCE
#include "eventfd.h"
#include "bytes.h"
#include "fd_table.h"
#include "iov.h"
#include "poll.h"
#include "sched.h"
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/eventfd.h>

#define EVENTFD_FLAGS (EFD_SEMAPHORE | EFD_CLOEXEC | EFD_NONBLOCK)
/* The counter's ceiling: a write of UINT64_MAX is refused, so a read
 * never sees it. */
#define EVENTFD_MAX (UINT64_MAX - 1)

static long counter_read(struct open_file *file, const struct iovec *iov, int count, uint64_t *pos)
{
    (void)pos;
    if (iov_length(iov, count) < sizeof(uint64_t))
        return -EINVAL;
    while (file->eventfd.count == 0) {
        if (file->flags & O_NONBLOCK)
            return -EAGAIN;
        if (sched_wait(&io_changed, 0, 0, "read of an eventfd") == -EINTR)
            return -ERESTARTSYS;
    }
    uint64_t value = file->eventfd.semaphore ? 1 : file->eventfd.count;
    file->eventfd.count -= value;
    file->eventfd.drained++;
    sched_wake(&io_changed, SCHED_WAKE_ALL);
    iov_scatter(iov, count, &value, sizeof value);
    return sizeof value;
}

/* Each piece is a write of its own, as Linux's writev does it: 8 bytes
 * of it are added, and a shorter piece is refused. */
static int64_t add_piece(void *context, void *base, uint64_t len, uint64_t pos)
{
    struct open_file *file = context;
    uint64_t value;

    (void)pos;
    if (len < sizeof value)
        return -EINVAL;
    bytes_copy(&value, base, sizeof value);
    if (value == UINT64_MAX)
        return -EINVAL;
    while (EVENTFD_MAX - file->eventfd.count < value) {
        if (file->flags & O_NONBLOCK)
            return -EAGAIN;
        if (sched_wait(&io_changed, 0, 0, "write to a full eventfd") == -EINTR)
            return -ERESTARTSYS;
    }
    file->eventfd.count += value;
    file->eventfd.fed++;
    sched_wake(&io_changed, SCHED_WAKE_ALL);
    return sizeof value;
}

static long counter_write(struct open_file *file, const struct iovec *iov, int count, uint64_t *pos)
{
    (void)pos;
    if (iov_length(iov, count) < sizeof(uint64_t))
        return -EINVAL;
    return iov_each(iov, count, 0, add_piece, file);
}

static uint32_t counter_poll(struct open_file *file, uint32_t wanted, struct poll_look *look)
{
    uint64_t count = file->eventfd.count;

    look->changes = (wanted & (POLLIN | POLLRDNORM) ? file->eventfd.fed : 0) +
                    (wanted & (POLLOUT | POLLWRNORM) ? file->eventfd.drained : 0);
    return (count > 0 ? POLLIN | POLLRDNORM : 0) | (count < EVENTFD_MAX ? POLLOUT | POLLWRNORM : 0);
}

static void counter_release(struct open_file *file)
{
    open_file_free(file);
}

static const struct file_ops eventfd_ops = {
    .read = counter_read,
    .write = counter_write,
    .stat = open_file_anon_stat,
    .poll = counter_poll,
    .release = counter_release,
};

static long eventfd_make(uint32_t initial, uint32_t flags)
{
    if (flags & ~(uint32_t)EVENTFD_FLAGS)
        return -EINVAL;
    if (!fd_room())
        return -EMFILE;
    struct open_file *file = open_file_new(&eventfd_ops, O_RDWR | (flags & O_NONBLOCK));
    if (!file)
        return -ENOMEM;
    file->eventfd.count = initial;
    file->eventfd.semaphore = flags & EFD_SEMAPHORE;
    return fd_install(file, 0, flags & EFD_CLOEXEC);
}

long kiln_sys_eventfd(const struct syscall_args *args)
{
    return eventfd_make((uint32_t)args->arg1, 0);
}

long kiln_sys_eventfd2(const struct syscall_args *args)
{
    return eventfd_make((uint32_t)args->arg1, (uint32_t)args->arg2);
}
