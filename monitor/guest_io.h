/*
 * The guest's fds 0-2, behind one interface chosen when its VM is made:
 * kiln's own stdio for kiln run (guest_io_stdio), a request's buffers for
 * kiln serve (serve/request_io.h).  The hypercalls reach the guest's
 * stdio only through this, so the monitor names no serve type.
 */
#ifndef KILN_GUEST_IO_H
#define KILN_GUEST_IO_H

#include <stdbool.h>
#include <stdint.h>

/* What read() answers when the guest's time ran out before any input,
 * and when wake_fd became readable first. */
#define GUEST_IO_TIMED_OUT INT64_MIN
#define GUEST_IO_WOKEN     (INT64_MIN + 1)

/* A read or wait that may block also ends when wake_fd (-1: none) is
 * readable: a signal for the guest came (host_signals.h). */
struct guest_io {
    /* fd 1 or 2: the bytes taken, or -errno. */
    int64_t (*write)(void *context, uint32_t fd, const uint8_t *bytes, uint64_t len);
    /* fd 0: the bytes read (0 at its end), -errno, or GUEST_IO_TIMED_OUT
     * when deadline_ns (CLOCK_MONOTONIC; 0: none) came first, or
     * GUEST_IO_WOKEN. */
    int64_t (*read)(void *context, uint8_t *buf, uint64_t len, int64_t deadline_ns, int wake_fd);
    /* fd 0: 1 once there is input (or its end), 0 if deadline_ns
     * (CLOCK_MONOTONIC; 0: none) or wake_fd came first. */
    int (*wait)(void *context, int64_t deadline_ns, int wake_fd);
    void *context;
    /* The guest may end with FINISH (its last stdout bytes and its exit
     * status in one call): kiln serve's functions. */
    bool finishes;
};

/* The process's own fds 0, 1 and 2. */
struct guest_io guest_io_stdio(void);

#endif
