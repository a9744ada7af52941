/*
 * The scheduler: the program's threads take turns on the VM's one vCPU,
 * all at ring 3.  A thread runs until it makes a call that would block
 * (it waits on a wait queue), exits, or uses up its time slice (the
 * monitor's tick interrupts it).  When nothing is runnable the VM halts
 * until the earliest deadline or stdin; when nothing could ever wake a
 * thread, the run ends with a report of what each one waits on.
 */
#ifndef KILN_RUNTIME_SCHED_H
#define KILN_RUNTIME_SCHED_H

#include <stdbool.h>
#include <stdint.h>

struct thread;

/* Threads waiting for one thing, in the order they came. */
struct wait_queue {
    struct thread *first;
    struct thread *last;
};

/* Every in-VM I/O object (a pipe, an eventfd, an epoll set) wakes this
 * queue whenever it changes state; poll, select and epoll_wait wait on it
 * and look again. */
extern struct wait_queue io_changed;

/* What a blocked thread also waits for. */
#define SCHED_WAIT_STDIN  0x1 /* the monitor's stdin has input (or its end) */
#define SCHED_WAIT_SIGNAL 0x2 /* a signal: one kiln is sent may come (KILN_BOOT_SIGNALS) */

/* What a blocking read or write answers when a signal cut it short: the
 * call starts over if the handler has SA_RESTART (or none runs), and
 * answers EINTR otherwise, as on Linux. */
#define ERESTARTSYS 512

/* Blocks the calling thread on queue until sched_wake, deadline_ns
 * (sched_now_ns() scale; 0: none) or a signal the thread will handle:
 * 0, -ETIMEDOUT or -EINTR.  what names the wait in a deadlock report
 * ("futex 0x7f00", "read of a pipe").  With one thread and nothing that
 * could wake it, the run ends there. */
long sched_wait(struct wait_queue *queue, int64_t deadline_ns, uint32_t flags, const char *what);

/* Makes up to count of queue's waiters runnable, first come first; how
 * many.  SCHED_WAKE_ALL: every one. */
#define SCHED_WAKE_ALL 0xffffffffu
unsigned sched_wake(struct wait_queue *queue, unsigned count);

/* Monotonic nanoseconds, the clock deadlines use. */
int64_t sched_now_ns(void);

/* The earlier of two deadlines, where 0 is none. */
static inline int64_t deadline_earlier(int64_t a, int64_t b)
{
    return !a || (b && b < a) ? b : a;
}

/* Does stdin have input (or its end) now?  One look at the monitor. */
bool sched_stdin_ready(void);

/* Gives the CPU to the next runnable thread, if any (sched_yield). */
void sched_give_way(void);

/* Are other threads alive?  A lone thread may block in the monitor. */
bool sched_threaded(void);

/* For the thread and signal layers: */

/* Puts a thread on the run queue; one that was waiting leaves its queue
 * and its sched_wait answers result. */
void sched_make_runnable(struct thread *thread, long result);

/* A tick: deadlines that passed, then the CPU to the next thread. */
void sched_tick(void);

/* A new thread is runnable; the calling one goes on. */
void sched_thread_started(struct thread *thread);

/* The calling thread is gone: run another, never to return. */
__attribute__((noreturn)) void sched_thread_exited(void);

#endif
