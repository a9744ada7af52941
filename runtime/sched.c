/*
 * One run queue, first come first served.  A thread gives up the CPU in
 * sched_wait, sched_yield, at exit, and when a tick finds others waiting
 * to run (upcall.c).  With nothing runnable the VM halts in WAIT until the
 * earliest deadline, stdin or a signal kiln is sent; with nothing that
 * could ever wake a thread, STUCK ends the run with what each one waits
 * on.
 */
#include "sched.h"
#include "boot_info.h"
#include "bounce.h"
#include "clock.h"
#include "hypercall.h"
#include "signal.h"
#include "thread.h"
#include "timers.h"
#include "wait_queue.h"
#include <errno.h>
#include <kiln/abi.h>

/* A thread that spins without a system call gives the CPU up after this. */
#define TICK_NS        10000000ull
#define STUCK_TEXT_MAX 1024

extern struct kiln_events kiln_events;

struct wait_queue io_changed;
static struct wait_queue runnable;

int64_t sched_now_ns(void)
{
    return (int64_t)kiln_clock_since_boot_ns();
}

/* Ticks cost an exit each only while another thread waits to run. */
static void update_ticks(void)
{
    kiln_events.ticks = runnable.first != 0;
}

void sched_make_runnable(struct thread *thread, long result)
{
    if (thread->state == THREAD_WAITING) {
        wait_queue_remove(thread->queue, thread);
        thread->queue = 0;
        thread->wake_result = result;
    }
    thread->state = THREAD_RUNNABLE;
    wait_queue_push(&runnable, thread);
    update_ticks();
}

unsigned sched_wake(struct wait_queue *queue, unsigned count)
{
    unsigned woken = 0;
    while (woken < count && queue->first) {
        sched_make_runnable(queue->first, 0);
        woken++;
    }
    return woken;
}

bool sched_threaded(void)
{
    return thread_count() > 1;
}

bool sched_stdin_ready(void)
{
    return hypercall_wait(0, KILN_WAIT_STDIN) & KILN_WAIT_STDIN;
}

/* The x87/SSE state and FS base are the thread's own; the runtime itself
 * never touches vector registers, so the CPU holds the current thread's. */
static void switch_to(struct thread *next)
{
    struct thread *prev = thread_now;
    if (next == prev)
        return;
    __asm__ volatile("fxsave64 %0" : "=m"(prev->fpu));
    __asm__ volatile("rdfsbase %0" : "=r"(prev->fs_base));
    __asm__ volatile("fxrstor64 %0" : : "m"(next->fpu));
    __asm__ volatile("wrfsbase %0" : : "r"(next->fs_base) : "memory");
    thread_now = next;
    kiln_switch(&prev->sp, next->sp);
}

/* Wakes the threads whose deadline has passed; the earliest deadline
 * still to come (0: none) and what else the waiting threads wait for
 * (SCHED_WAIT_*). */
static int64_t expire(int64_t now, uint32_t *wanted)
{
    int64_t earliest = timers_expire(now);
    *wanted = 0;
    for (struct thread *t = thread_newest(); t; t = t->older) {
        if (t->state != THREAD_WAITING)
            continue;
        if (t->deadline_ns && t->deadline_ns <= now) {
            sched_make_runnable(t, -ETIMEDOUT);
            continue;
        }
        earliest = deadline_earlier(earliest, t->deadline_ns);
        *wanted |= t->wait_flags;
    }
    return earliest;
}

static void wake_stdin_waiters(void)
{
    for (struct thread *t = thread_newest(); t; t = t->older)
        if (t->state == THREAD_WAITING && (t->wait_flags & SCHED_WAIT_STDIN))
            sched_make_runnable(t, 0);
}

static void append(char *text, uint64_t *len, const char *piece)
{
    while (*piece && *len < STUCK_TEXT_MAX - 1)
        text[(*len)++] = *piece++;
}

static void append_number(char *text, uint64_t *len, uint64_t value, unsigned base)
{
    char digits[24];
    int n = 0;
    do {
        digits[n++] = "0123456789abcdef"[value % base];
        value /= base;
    } while (value);
    if (base == 16)
        append(text, len, "0x");
    while (n > 0 && *len < STUCK_TEXT_MAX - 1)
        text[(*len)++] = digits[--n];
}

/* "deadlock: thread 1 waits on futex 0x4a2f60, thread 2 waits on ..." */
__attribute__((noreturn)) static void report_stuck(void)
{
    static char text[STUCK_TEXT_MAX];
    uint64_t len = 0;
    const char *sep = "";
    append(text, &len, thread_count() > 1 ? "deadlock: " : "stuck: ");
    for (struct thread *t = thread_newest(); t; t = t->older) {
        append(text, &len, sep);
        append(text, &len, "thread ");
        append_number(text, &len, (uint64_t)t->tid, 10);
        append(text, &len, " waits on ");
        append(text, &len, t->what);
        if (t->what_addr) {
            append(text, &len, " ");
            append_number(text, &len, t->what_addr, 16);
        }
        sep = ", ";
    }
    for (;;)
        hypercall_stuck(text, len);
}

/* What may come from outside to wake a thread that waits for it. */
static uint32_t from_outside(void)
{
    return SCHED_WAIT_STDIN | (boot_info()->flags & KILN_BOOT_SIGNALS ? SCHED_WAIT_SIGNAL : 0);
}

/* Nothing is runnable: halt until something can be.  A signal kiln is
 * sent cuts the halt short. */
static void idle(int64_t earliest, uint32_t wanted)
{
    bool stdin_wanted = wanted & SCHED_WAIT_STDIN;
    if (!earliest && !(wanted & from_outside()))
        report_stuck();
    int64_t now = sched_now_ns();
    uint64_t ns = !earliest ? UINT64_MAX : earliest > now ? (uint64_t)(earliest - now) : 0;
    if (hypercall_wait(ns, stdin_wanted ? KILN_WAIT_STDIN : 0) & KILN_WAIT_STDIN)
        wake_stdin_waiters();
    signal_take_host();
}

/* Runs the next runnable thread; returns when the caller is chosen again.
 * While one runs, the monitor's alarm covers the earliest deadline. */
static void schedule(void)
{
    for (;;) {
        uint32_t wanted;
        int64_t earliest = expire(sched_now_ns(), &wanted);
        struct thread *next = wait_queue_pop(&runnable);
        if (next) {
            if (earliest)
                timers_arm(earliest);
            update_ticks();
            switch_to(next);
            return;
        }
        idle(earliest, wanted);
    }
}

long sched_wait(struct wait_queue *queue, int64_t deadline_ns, uint32_t flags, const char *what)
{
    struct thread *self = thread_now;
    if (signal_interrupts(self))
        return -EINTR;
    if (deadline_ns && deadline_ns <= sched_now_ns())
        return -ETIMEDOUT;
    self->state = THREAD_WAITING;
    self->queue = queue;
    self->deadline_ns = deadline_ns;
    self->wait_flags = flags;
    self->what = what;
    self->wake_result = 0;
    wait_queue_push(queue, self);
    schedule();
    self->deadline_ns = 0;
    self->wait_flags = 0;
    self->what_addr = 0;
    return self->wake_result;
}

void sched_give_way(void)
{
    if (!runnable.first)
        return;
    sched_make_runnable(thread_now, 0);
    schedule();
}

void sched_tick(void)
{
    uint32_t wanted;
    expire(sched_now_ns(), &wanted);
    sched_give_way();
}

void sched_thread_started(struct thread *thread)
{
    timers_tick_every(TICK_NS);
    sched_make_runnable(thread, 0);
}

void sched_thread_exited(void)
{
    schedule();
    __builtin_unreachable();
}

long kiln_sys_sched_yield(const struct syscall_args *args)
{
    (void)args;
    sched_give_way();
    return 0;
}
