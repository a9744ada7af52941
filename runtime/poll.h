/*
 * Readiness: what an open file tells poll, select and epoll (its ops'
 * poll), the loop that waits for it, and poll, ppoll, select and
 * pselect6.  Pipes, eventfds, timerfds and epoll sets live in the VM and
 * wake io_changed (sched.h) at every change; a waiting caller then looks
 * at all its files again, which for the handful of fds a program polls
 * costs less than a wait queue per file.
 */
#ifndef KILN_RUNTIME_POLL_H
#define KILN_RUNTIME_POLL_H

#include "fd_table.h"
#include "syscall.h"
#include <stdint.h>
#include <time.h>

syscall_handler kiln_sys_poll;
syscall_handler kiln_sys_ppoll;
syscall_handler kiln_sys_select;
syscall_handler kiln_sys_pselect6;

/* What a look at files learns besides their events. */
struct poll_look {
    int64_t deadline_ns; /* lowered by a timer due sooner (sched_now_ns() scale; 0: none) */
    uint32_t wait_flags; /* SCHED_WAIT_STDIN: stdin is wanted and has nothing yet */
    /* Set by each poll op: how often the file changed toward what was
     * wanted, for EPOLLET.  Linux wakes a pipe's readers and writers
     * apart, so a read is no news to whoever waits to read. */
    uint32_t changes;
};

#define POLL_FOREVER (-1)

/* The events of file among wanted (the caller adds POLLERR and POLLHUP
 * where it wants them); look->changes is the file's. */
uint32_t poll_file(struct open_file *file, uint32_t wanted, struct poll_look *look);

/* A timer due at deadline_ns (0: never): look's deadline becomes the
 * earlier of the two. */
void poll_look_until(struct poll_look *look, int64_t deadline_ns);

/* A timeout in ms from now as a deadline (sched_now_ns() scale);
 * POLL_FOREVER for a negative one. */
int64_t poll_deadline_ms(int timeout_ms);

/* The program's relative timeout (NULL: POLL_FOREVER) as a deadline: 0,
 * -EFAULT or -EINVAL. */
long poll_deadline_of(const struct timespec *timeout, int64_t *deadline_ns);

/* The mask ppoll, pselect6 and epoll_pwait were given (size bytes at
 * user): 0 with *mask, or -EINVAL (a size Linux refuses) or -EFAULT. */
long poll_mask_copy(const void *user, uint64_t size, uint64_t *mask);

/* How many things look found ready (> 0), none (0), or -errno. */
typedef long poll_look_fn(void *context, struct poll_look *look);

/* Looks until something is ready or deadline_ns (POLL_FOREVER: none;
 * now: one look) passes, waiting on io_changed in between, with the
 * signal mask *mask (NULL: the thread's own) for the call: look's
 * answer, 0 when the time is up, or -EINTR.  what names the wait. */
long poll_until(poll_look_fn *look, void *context, int64_t deadline_ns, const uint64_t *mask,
                const char *what);

#endif
