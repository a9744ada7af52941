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

/* Waits for input no longer than the guest's time allows: 1 when there
 * is some, 0 when the time ran out. */
static int wait_readable(int fd, int64_t deadline_ns)
{
    int wait_ms = -1;
    if (deadline_ns != 0) {
        int64_t left = deadline_ns - clock_ns(CLOCK_MONOTONIC);
        if (left <= 0)
            wait_ms = 0;
        else if (left / NS_PER_MS < INT_MAX)
            wait_ms = (int)((left + NS_PER_MS - 1) / NS_PER_MS);
    }
    struct pollfd pfd = {.fd = fd, .events = POLLIN};
    int ready;
    do
        ready = poll(&pfd, 1, wait_ms);
    while (ready < 0 && errno == EINTR);
    return ready;
}

static int64_t stdio_read(void *context, uint8_t *buf, uint64_t len, int64_t deadline_ns)
{
    (void)context;
    if (wait_readable(STDIN_FILENO, deadline_ns) == 0)
        return GUEST_IO_TIMED_OUT;
    ssize_t n;
    do
        n = read(STDIN_FILENO, buf, len);
    while (n < 0 && errno == EINTR);
    return n < 0 ? -errno : n;
}

static int stdio_wait(void *context, int64_t deadline_ns)
{
    (void)context;
    return wait_readable(STDIN_FILENO, deadline_ns) > 0;
}

struct guest_io guest_io_stdio(void)
{
    return (struct guest_io){.write = stdio_write, .read = stdio_read, .wait = stdio_wait};
}
