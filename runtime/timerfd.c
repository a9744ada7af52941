#define _GNU_SOURCE
#include "timerfd.h"
#include "clock.h"
#include "fd_table.h"
#include "interval_timer.h"
#include "iov.h"
#include "poll.h"
#include "sched.h"
#include "user_range.h"
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/timerfd.h>
#include <time.h>

#define TIMERFD_FLAGS (TFD_CLOEXEC | TFD_NONBLOCK)
/* CANCEL_ON_SET cancels when the realtime clock is set, which nothing in
 * the VM does: accepted, and nothing ever cancels. */
#define SETTIME_FLAGS (TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET)

/* Counts the expirations up to now. */
static void catch_up(struct open_file *file)
{
    uint64_t expired = interval_timer_expire(&file->timer.when, sched_now_ns());
    if (!expired)
        return;
    file->timer.ticks += expired;
    file->timer.changes++;
}

static long timerfd_read(struct open_file *file, const struct iovec *iov, int count, uint64_t *pos)
{
    (void)pos;
    if (iov_length(iov, count) < sizeof(uint64_t))
        return -EINVAL;
    for (catch_up(file); !file->timer.ticks; catch_up(file)) {
        if (file->flags & O_NONBLOCK)
            return -EAGAIN;
        if (sched_wait(&io_changed, file->timer.when.deadline_ns, 0, "read of a timerfd") == -EINTR)
            return -ERESTARTSYS;
    }
    uint64_t ticks = file->timer.ticks;
    file->timer.ticks = 0;
    iov_scatter(iov, count, &ticks, sizeof ticks);
    return sizeof ticks;
}

static uint32_t timerfd_poll(struct open_file *file, uint32_t wanted, struct poll_look *look)
{
    (void)wanted;
    catch_up(file);
    look->changes = file->timer.changes;
    if (file->timer.ticks)
        return POLLIN | POLLRDNORM;
    poll_look_until(look, file->timer.when.deadline_ns);
    return 0;
}

static void timerfd_release(struct open_file *file)
{
    open_file_free(file);
}

static const struct file_ops timerfd_ops = {
    .read = timerfd_read,
    .stat = open_file_anon_stat,
    .poll = timerfd_poll,
    .release = timerfd_release,
};

/* Linux's alarm clocks wake a suspended machine; here they are the clocks
 * they count on. */
static bool clock_allowed(int32_t clock)
{
    return clock == CLOCK_REALTIME || clock == CLOCK_MONOTONIC || clock == CLOCK_BOOTTIME ||
           clock == CLOCK_REALTIME_ALARM || clock == CLOCK_BOOTTIME_ALARM;
}

long kiln_sys_timerfd_create(const struct syscall_args *args)
{
    int32_t clock = (int32_t)args->arg1;
    uint32_t flags = (uint32_t)args->arg2;

    if (!clock_allowed(clock) || (flags & ~(uint32_t)TIMERFD_FLAGS))
        return -EINVAL;
    if (!fd_room())
        return -EMFILE;
    struct open_file *file = open_file_new(&timerfd_ops, O_RDWR | (flags & O_NONBLOCK));
    if (!file)
        return -ENOMEM;
    file->timer.clock = clock;
    return fd_install(file, 0, flags & TFD_CLOEXEC);
}

/* The timerfd fd names: EBADF, or EINVAL for any other file. */
static long timer_of(int fd, struct open_file **file)
{
    *file = fd_file(fd);
    if (!*file)
        return -EBADF;
    return (*file)->ops == &timerfd_ops ? 0 : -EINVAL;
}

static struct itimerspec timer_value(struct open_file *file)
{
    catch_up(file);
    return interval_timer_get(&file->timer.when, sched_now_ns());
}

long kiln_sys_timerfd_gettime(const struct syscall_args *args)
{
    struct itimerspec *value = (struct itimerspec *)(uintptr_t)args->arg2;
    struct open_file *file;

    long err = timer_of((int)args->arg1, &file);
    if (err)
        return err;
    if (!user_range_ok(value, sizeof *value))
        return -EFAULT;
    *value = timer_value(file);
    return 0;
}

/* A zero it_value disarms; any setting forgets the expirations not read. */
long kiln_sys_timerfd_settime(const struct syscall_args *args)
{
    uint32_t flags = (uint32_t)args->arg2;
    const struct itimerspec *value = (const struct itimerspec *)(uintptr_t)args->arg3;
    struct itimerspec *old = (struct itimerspec *)(uintptr_t)args->arg4;
    struct open_file *file;

    if (!user_range_ok(value, sizeof *value))
        return -EFAULT;
    if ((flags & ~(uint32_t)SETTIME_FLAGS) || !interval_timer_valid(value))
        return -EINVAL;
    long err = timer_of((int)args->arg1, &file);
    if (err)
        return err;
    if (old && !user_range_ok(old, sizeof *old))
        return -EFAULT;
    if (old)
        *old = timer_value(file);
    interval_timer_set(&file->timer.when, file->timer.clock, flags & TFD_TIMER_ABSTIME, value);
    file->timer.ticks = 0;
    file->timer.changes++;
    sched_wake(&io_changed, SCHED_WAKE_ALL);
    return 0;
}
