#define _GNU_SOURCE
#include "poll.h"
#include "clock.h"
#include "sched.h"
#include "signal.h"
#include "user_range.h"
#include <errno.h>
#include <poll.h>
#include <sys/select.h>
#include <time.h>

/* What a file with no poll op answers: Linux's DEFAULT_POLLMASK. */
#define ALWAYS_READY  (POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM)
#define SIGSET_SIZE   8 /* the kernel's sigset_t: 64 signals */
#define NS_PER_SEC    1000000000ll
#define NS_PER_MS     1000000ll
#define NS_PER_USEC   1000ll
#define USEC_PER_SEC  1000000ll
#define BITS_PER_WORD 64
#define SELECT_WORDS  (FD_LIMIT / BITS_PER_WORD)
#define SELECT_SETS   3 /* read, write, except */

/* Which events put an fd in each of select's sets (Linux's POLLIN_SET,
 * POLLOUT_SET and POLLEX_SET). */
static const uint32_t select_events[SELECT_SETS] = {
    POLLIN | POLLRDNORM | POLLRDBAND | POLLHUP | POLLERR,
    POLLOUT | POLLWRNORM | POLLWRBAND | POLLERR,
    POLLPRI,
};

uint32_t poll_file(struct open_file *file, uint32_t wanted, struct poll_look *look)
{
    look->changes = 0;
    return (file->ops->poll ? file->ops->poll(file, wanted, look) : ALWAYS_READY) & wanted;
}

void poll_look_until(struct poll_look *look, int64_t deadline_ns)
{
    look->deadline_ns = deadline_earlier(look->deadline_ns, deadline_ns);
}

int64_t poll_deadline_ms(int timeout_ms)
{
    return timeout_ms < 0 ? POLL_FOREVER : sched_now_ns() + timeout_ms * NS_PER_MS;
}

long poll_deadline_of(const struct timespec *timeout, int64_t *deadline_ns)
{
    *deadline_ns = POLL_FOREVER;
    if (!timeout)
        return 0;
    if (!user_range_ok(timeout, sizeof *timeout))
        return -EFAULT;
    return kiln_clock_deadline(CLOCK_MONOTONIC, false, timeout, deadline_ns) ? 0 : -EINVAL;
}

long poll_mask_copy(const void *user, uint64_t size, uint64_t *mask)
{
    if (size != SIGSET_SIZE)
        return -EINVAL;
    if (!user_range_ok(user, SIGSET_SIZE))
        return -EFAULT;
    *mask = *(const uint64_t *)user;
    return 0;
}

long poll_until(poll_look_fn *look_fn, void *context, int64_t deadline_ns, const uint64_t *mask,
                const char *what)
{
    if (mask)
        signal_mask_during_call(*mask);
    for (;;) {
        struct poll_look look = {.deadline_ns = deadline_ns == POLL_FOREVER ? 0 : deadline_ns};
        long ready = look_fn(context, &look);
        if (ready != 0 || (deadline_ns != POLL_FOREVER && sched_now_ns() >= deadline_ns))
            return ready;
        if (sched_wait(&io_changed, look.deadline_ns, look.wait_flags, what) == -EINTR)
            return -EINTR;
    }
}

/* Linux writes the time left back once the call has waited: after an
 * answer, or a signal. */
static bool waited(long result)
{
    return result >= 0 || result == -EINTR;
}

/* The time left until deadline_ns, for the calls that write it back. */
static struct timespec time_left(int64_t deadline_ns)
{
    int64_t left = deadline_ns - sched_now_ns();
    return kiln_clock_timespec(left > 0 ? left : 0);
}

struct poll_call {
    struct pollfd *fds;
    uint32_t count;
};

/* Every pollfd gets its revents; an fd that is not open counts as ready
 * with POLLNVAL, a negative one is skipped. */
static long poll_look(void *context, struct poll_look *look)
{
    struct poll_call *call = context;
    long ready = 0;

    for (uint32_t i = 0; i < call->count; i++) {
        struct pollfd *entry = &call->fds[i];
        struct open_file *file = entry->fd < 0 ? NULL : fd_file(entry->fd);
        uint32_t wanted = (uint16_t)entry->events | POLLERR | POLLHUP;

        if (entry->fd < 0)
            entry->revents = 0;
        else
            entry->revents = (short)(file ? poll_file(file, wanted, look) : POLLNVAL);
        ready += entry->revents != 0;
    }
    return ready;
}

/* nfds past RLIMIT_NOFILE is EINVAL, as on Linux. */
static long poll_fds(struct pollfd *fds, uint64_t nfds, int64_t deadline_ns, const uint64_t *mask)
{
    struct poll_call call = {.fds = fds, .count = (uint32_t)nfds};

    if (nfds > FD_LIMIT)
        return -EINVAL;
    if (nfds > 0 && !user_range_ok(fds, nfds * sizeof *fds))
        return -EFAULT;
    return poll_until(poll_look, &call, deadline_ns, mask, "poll");
}

long kiln_sys_poll(const struct syscall_args *args)
{
    return poll_fds((struct pollfd *)(uintptr_t)args->arg1, (uint32_t)args->arg2,
                    poll_deadline_ms((int)args->arg3), NULL);
}

long kiln_sys_ppoll(const struct syscall_args *args)
{
    struct timespec *timeout = (struct timespec *)(uintptr_t)args->arg3;
    const void *user_mask = (const void *)(uintptr_t)args->arg4;
    uint64_t mask;
    int64_t deadline_ns;

    long err = poll_deadline_of(timeout, &deadline_ns);
    if (!err && user_mask)
        err = poll_mask_copy(user_mask, args->arg5, &mask);
    if (err)
        return err;
    long ready = poll_fds((struct pollfd *)(uintptr_t)args->arg1, (uint32_t)args->arg2, deadline_ns,
                          user_mask ? &mask : NULL);
    if (timeout && waited(ready))
        *timeout = time_left(deadline_ns);
    return ready;
}

struct select_call {
    int count; /* fds 0 to count - 1 */
    uint64_t *user[SELECT_SETS];
    uint64_t in[SELECT_SETS][SELECT_WORDS];
    uint64_t out[SELECT_SETS][SELECT_WORDS];
};

static bool bit_set(const uint64_t *words, int fd)
{
    return words[fd / BITS_PER_WORD] >> (fd % BITS_PER_WORD) & 1;
}

static uint32_t select_wanted(const struct select_call *call, int fd)
{
    uint32_t wanted = 0;

    for (int set = 0; set < SELECT_SETS; set++)
        if (bit_set(call->in[set], fd))
            wanted |= select_events[set];
    return wanted;
}

/* Each fd counts once for each set it is ready in. */
static long select_look(void *context, struct poll_look *look)
{
    struct select_call *call = context;
    long ready = 0;

    for (int set = 0; set < SELECT_SETS; set++)
        for (int word = 0; word < SELECT_WORDS; word++)
            call->out[set][word] = 0;
    for (int fd = 0; fd < call->count; fd++) {
        uint32_t wanted = select_wanted(call, fd);
        struct open_file *file = wanted ? fd_file(fd) : NULL;
        uint32_t events = file ? poll_file(file, wanted, look) : 0;
        for (int set = 0; set < SELECT_SETS; set++) {
            if (!bit_set(call->in[set], fd) || !(events & select_events[set]))
                continue;
            call->out[set][fd / BITS_PER_WORD] |= 1ull << (fd % BITS_PER_WORD);
            ready++;
        }
    }
    return ready;
}

/* Copies the sets in: 0, -EFAULT, or -EBADF for an fd that is not open. */
static long select_prepare(struct select_call *call, int words)
{
    for (int set = 0; set < SELECT_SETS; set++) {
        uint64_t *user = call->user[set];
        if (user && !user_range_ok(user, (uint64_t)words * sizeof *user))
            return -EFAULT;
        for (int word = 0; word < SELECT_WORDS; word++)
            call->in[set][word] = user && word < words ? user[word] : 0;
    }
    for (int fd = 0; fd < call->count; fd++)
        if (select_wanted(call, fd) && !fd_file(fd))
            return -EBADF;
    return 0;
}

/* fds past the table are ignored, as Linux ignores those past its own. */
static long select_fds(const struct syscall_args *args, int64_t deadline_ns, const uint64_t *mask)
{
    int nfds = (int)args->arg1;
    struct select_call call = {
        .count = nfds < FD_LIMIT ? nfds : FD_LIMIT,
        .user = {(uint64_t *)(uintptr_t)args->arg2, (uint64_t *)(uintptr_t)args->arg3,
                 (uint64_t *)(uintptr_t)args->arg4},
    };
    int words = (call.count + BITS_PER_WORD - 1) / BITS_PER_WORD;

    if (nfds < 0)
        return -EINVAL;
    long err = select_prepare(&call, words);
    if (err)
        return err;
    long ready = poll_until(select_look, &call, deadline_ns, mask, "select");
    if (ready < 0)
        return ready;
    for (int set = 0; set < SELECT_SETS; set++)
        for (int word = 0; call.user[set] && word < words; word++)
            call.user[set][word] = call.out[set][word];
    return ready;
}

/* tv_usec past a second carries into tv_sec, as on Linux. */
long kiln_sys_select(const struct syscall_args *args)
{
    struct timeval *timeout = (struct timeval *)(uintptr_t)args->arg5;
    int64_t deadline_ns = POLL_FOREVER;

    if (timeout) {
        if (!user_range_ok(timeout, sizeof *timeout))
            return -EFAULT;
        struct timespec ts = {
            .tv_sec = timeout->tv_sec + timeout->tv_usec / USEC_PER_SEC,
            .tv_nsec = timeout->tv_usec % USEC_PER_SEC * NS_PER_USEC,
        };
        if (!kiln_clock_deadline(CLOCK_MONOTONIC, false, &ts, &deadline_ns))
            return -EINVAL;
    }
    long ready = select_fds(args, deadline_ns, NULL);
    if (timeout && waited(ready)) {
        struct timespec left = time_left(deadline_ns);
        *timeout = (struct timeval){left.tv_sec, left.tv_nsec / NS_PER_USEC};
    }
    return ready;
}

/* The sixth argument points at the mask's address and size. */
long kiln_sys_pselect6(const struct syscall_args *args)
{
    struct timespec *timeout = (struct timespec *)(uintptr_t)args->arg5;
    const uint64_t *sig = (const uint64_t *)(uintptr_t)args->arg6;
    uint64_t mask;
    int64_t deadline_ns;

    long err = poll_deadline_of(timeout, &deadline_ns);
    if (!err && sig && !user_range_ok(sig, 2 * sizeof *sig))
        err = -EFAULT;
    bool masked = !err && sig && sig[0];
    if (masked)
        err = poll_mask_copy((const void *)(uintptr_t)sig[0], sig[1], &mask);
    if (err)
        return err;
    long ready = select_fds(args, deadline_ns, masked ? &mask : NULL);
    if (timeout && waited(ready))
        *timeout = time_left(deadline_ns);
    return ready;
}
