#define _GNU_SOURCE
#include "timerfd.h"
#include "clock.h"
#include "fd_table.h"
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
#define NS_PER_SEC    1000000000ll

/* Counts the expirations up to now: an interval timer moves its deadline
 * past now, a one-shot timer is disarmed. */
static void catch_up(struct open_file *file)
{
    int64_t now = sched_now_ns();
    int64_t deadline = file->timer.deadline_ns;

    if (!deadline || now < deadline)
        return;
    uint64_t expired = 1;
    if (file->timer.interval_ns) {
        expired += (uint64_t)((now - deadline) / file->timer.interval_ns);
        file->timer.deadline_ns = deadline + (int64_t)expired * file->timer.interval_ns;
    } else {
        file->timer.deadline_ns = 0;
    }
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
        if (sched_wait(&io_changed, file->timer.deadline_ns, 0, "read of a timerfd") == -EINTR)
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
    poll_look_until(look, file->timer.deadline_ns);
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

static bool timespec_valid(const struct timespec *ts)
{
    return ts->tv_sec >= 0 && ts->tv_nsec >= 0 && ts->tv_nsec < NS_PER_SEC;
}

/* Intervals past 292 years are as good as never repeating. */
static int64_t interval_ns(const struct timespec *ts)
{
    if (ts->tv_sec >= INT64_MAX / NS_PER_SEC)
        return INT64_MAX / 2;
    return ts->tv_sec * NS_PER_SEC + ts->tv_nsec;
}

static struct itimerspec timer_value(struct open_file *file)
{
    catch_up(file);
    int64_t left = file->timer.deadline_ns ? file->timer.deadline_ns - sched_now_ns() : 0;
    return (struct itimerspec){
        .it_interval = kiln_clock_timespec(file->timer.interval_ns),
        .it_value = kiln_clock_timespec(left > 0 ? left : 0),
    };
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
    int64_t deadline = 0;

    if (!user_range_ok(value, sizeof *value))
        return -EFAULT;
    if ((flags & ~(uint32_t)SETTIME_FLAGS) || !timespec_valid(&value->it_value) ||
        !timespec_valid(&value->it_interval))
        return -EINVAL;
    long err = timer_of((int)args->arg1, &file);
    if (err)
        return err;
    if (old && !user_range_ok(old, sizeof *old))
        return -EFAULT;
    bool armed = value->it_value.tv_sec || value->it_value.tv_nsec;
    if (armed)
        kiln_clock_deadline(file->timer.clock, flags & TFD_TIMER_ABSTIME, &value->it_value,
                            &deadline);
    if (old)
        *old = timer_value(file);
    file->timer.deadline_ns = armed && deadline == 0 ? 1 : deadline;
    file->timer.interval_ns = interval_ns(&value->it_interval);
    file->timer.ticks = 0;
    file->timer.changes++;
    sched_wake(&io_changed, SCHED_WAKE_ALL);
    return 0;
}
