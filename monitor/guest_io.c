#include "guest_io.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <time.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/file_io.h"

static int64_t stdio_write(void *context, uint32_t fd, const uint8_t *bytes, uint64_t len)
{
    (void)context;
    ssize_t done = write_all((int)fd, bytes, len);
    return done < 0 ? -errno : done;
}

enum readiness { INPUT, TIMED_OUT, WOKEN };

/* Waits for input no longer than the guest's time allows, or until
 * wake_fd is readable; input (or an error the read will report) wins. */
static enum readiness wait_readable(int fd, int64_t deadline_ns, int wake_fd)
{
    int wait_ms = -1;
    if (deadline_ns != 0) {
        int64_t left = deadline_ns - clock_ns(CLOCK_MONOTONIC);
        if (left <= 0)
            wait_ms = 0;
        else if (left / NS_PER_MS < INT_MAX)
            wait_ms = (int)((left + NS_PER_MS - 1) / NS_PER_MS);
    }
    /* poll skips an entry whose fd is negative. */
    struct pollfd fds[] = {{.fd = fd, .events = POLLIN}, {.fd = wake_fd, .events = POLLIN}};
    int ready;
    do
        ready = poll(fds, 2, wait_ms);
    while (ready < 0 && errno == EINTR);
    if (ready == 0)
        return TIMED_OUT;
    return fds[0].revents == 0 && fds[1].revents != 0 ? WOKEN : INPUT;
}

static int64_t stdio_read(void *context, uint8_t *buf, uint64_t len, int64_t deadline_ns,
                          int wake_fd)
{
    (void)context;
    enum readiness readiness = wait_readable(STDIN_FILENO, deadline_ns, wake_fd);
    if (readiness != INPUT)
        return readiness == TIMED_OUT ? GUEST_IO_TIMED_OUT : GUEST_IO_WOKEN;
    ssize_t n;
    do
        n = read(STDIN_FILENO, buf, len);
    while (n < 0 && errno == EINTR);
    return n < 0 ? -errno : n;
}

static int stdio_wait(void *context, int64_t deadline_ns, int wake_fd)
{
    (void)context;
    return wait_readable(STDIN_FILENO, deadline_ns, wake_fd) == INPUT;
}

struct guest_io guest_io_stdio(void)
{
    return (struct guest_io){.write = stdio_write, .read = stdio_read, .wait = stdio_wait};
}
