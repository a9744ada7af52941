/*
 * setitimer's three timers and up to TIMER_MAX POSIX timers, as deadlines
 * on the scheduler's clock (ns since boot).  ITIMER_VIRTUAL and
 * ITIMER_PROF count real time: the program has the CPU to itself.
 */
#define _GNU_SOURCE
#include "timers.h"
#include "clock.h"
#include "hypercall.h"
#include "interval_timer.h"
#include "sched.h"
#include "signal.h"
#include "thread.h"
#include "user_range.h"
#include <errno.h>
#include <signal.h>
#include <sys/time.h>
#include <time.h>

#define TIMER_MAX    32
#define NS_PER_SEC   1000000000ll
#define NS_PER_USEC  1000ll
#define ITIMER_COUNT 3
/* The kernel's struct sigevent: where sigev_notify_thread_id lies. */
#define KERNEL_SIGEVENT_SIZE 64

struct timer {
    bool used;
    bool to_thread; /* SIGEV_THREAD_ID */
    bool silent;    /* SIGEV_NONE */
    int32_t clock;
    int32_t signo;
    int32_t tid;
    int32_t overrun;
    uint64_t value; /* sigev_value */
    struct interval_timer when;
};

struct kernel_sigevent {
    uint64_t value;
    int32_t signo;
    int32_t notify;
    int32_t tid;
};

static struct timer itimers[ITIMER_COUNT];
static struct timer timers[TIMER_MAX];
static int64_t armed; /* when the monitor's alarm comes; 0: none */
static uint64_t tick_ns;

void timers_arm(int64_t deadline)
{
    int64_t now = sched_now_ns();
    if (armed > now && armed <= deadline)
        return;
    armed = deadline;
    hypercall_alarm(deadline > now ? (uint64_t)(deadline - now) : 1, tick_ns);
}

void timers_tick_every(uint64_t ns)
{
    if (tick_ns == ns)
        return;
    tick_ns = ns;
    int64_t now = sched_now_ns();
    hypercall_alarm(armed > now ? (uint64_t)(armed - now) : 0, tick_ns);
}

static void fire(struct timer *timer, int32_t id, uint64_t expired)
{
    uint64_t missed = expired - 1;
    timer->overrun = missed > INT32_MAX ? INT32_MAX : (int32_t)missed;
    if (timer->silent)
        return;
    const struct signal_info info = {
        .code = id < 0 ? SI_KERNEL : SI_TIMER,
        .timer = id,
        .overrun = timer->overrun,
        .addr = timer->value,
    };
    struct thread *thread = timer->to_thread ? thread_of(timer->tid) : 0;
    if (thread)
        signal_send_thread(thread, timer->signo, &info);
    else
        signal_send_process(timer->signo, &info);
}

static int64_t expire_one(struct timer *timer, int32_t id, int64_t now, int64_t earliest)
{
    uint64_t expired = interval_timer_expire(&timer->when, now);
    if (expired)
        fire(timer, id, expired);
    return deadline_earlier(earliest, timer->when.deadline_ns);
}

int64_t timers_expire(int64_t now)
{
    int64_t earliest = 0;
    for (int i = 0; i < ITIMER_COUNT; i++)
        earliest = expire_one(&itimers[i], -1, now, earliest);
    for (int i = 0; i < TIMER_MAX; i++)
        if (timers[i].used)
            earliest = expire_one(&timers[i], i, now, earliest);
    return earliest;
}

/* Brings the monitor's alarm forward to an armed timer's deadline. */
static void arm(const struct timer *timer)
{
    if (timer->when.deadline_ns)
        timers_arm(timer->when.deadline_ns);
}

static int64_t timeval_ns(const struct timeval *tv)
{
    return tv->tv_sec * NS_PER_SEC + tv->tv_usec * NS_PER_USEC;
}

static struct timeval ns_timeval(int64_t ns)
{
    return (struct timeval){.tv_sec = ns / NS_PER_SEC, .tv_usec = ns % NS_PER_SEC / NS_PER_USEC};
}

static const int itimer_signals[ITIMER_COUNT] = {SIGALRM, SIGVTALRM, SIGPROF};

static void itimer_read(int which, struct itimerval *out)
{
    out->it_value = ns_timeval(interval_timer_left(&itimers[which].when, sched_now_ns()));
    out->it_interval = ns_timeval(itimers[which].when.interval_ns);
}

long kiln_sys_getitimer(const struct syscall_args *args)
{
    int which = (int)args->arg1;
    struct itimerval *out = (struct itimerval *)(uintptr_t)args->arg2;
    if (which < 0 || which >= ITIMER_COUNT)
        return -EINVAL;
    if (!user_range_ok(out, sizeof *out))
        return -EFAULT;
    itimer_read(which, out);
    return 0;
}

static bool timeval_ok(const struct timeval *tv)
{
    return tv->tv_sec >= 0 && tv->tv_usec >= 0 && tv->tv_usec < 1000000 &&
           tv->tv_sec < INT64_MAX / NS_PER_SEC / 2;
}

long kiln_sys_setitimer(const struct syscall_args *args)
{
    int which = (int)args->arg1;
    const struct itimerval *value = (const struct itimerval *)(uintptr_t)args->arg2;
    struct itimerval *old = (struct itimerval *)(uintptr_t)args->arg3;
    if (which < 0 || which >= ITIMER_COUNT)
        return -EINVAL;
    if ((value && !user_range_ok(value, sizeof *value)) ||
        (old && !user_range_ok(old, sizeof *old)))
        return -EFAULT;
    if (value && (!timeval_ok(&value->it_value) || !timeval_ok(&value->it_interval)))
        return -EINVAL;
    if (old)
        itimer_read(which, old);
    if (value) {
        struct timer *timer = &itimers[which];
        int64_t ns = timeval_ns(&value->it_value);
        timer->used = true;
        timer->signo = itimer_signals[which];
        timer->when = (struct interval_timer){
            .deadline_ns = ns ? sched_now_ns() + ns : 0,
            .interval_ns = timeval_ns(&value->it_interval),
        };
        arm(timer);
    }
    return 0;
}

/* The seconds left of the last alarm, rounded up as Linux does. */
long kiln_sys_alarm(const struct syscall_args *args)
{
    struct timer *timer = &itimers[ITIMER_REAL];
    int64_t now = sched_now_ns();
    int64_t left = interval_timer_left(&timer->when, now);
    uint64_t seconds = (uint32_t)args->arg1;
    timer->used = true;
    timer->signo = SIGALRM;
    timer->when =
        (struct interval_timer){.deadline_ns = seconds ? now + (int64_t)seconds * NS_PER_SEC : 0};
    arm(timer);
    return (left + NS_PER_SEC / 2) / NS_PER_SEC + (left > 0 && left < NS_PER_SEC / 2);
}

static struct timer *timer_at(uint64_t id)
{
    return id < TIMER_MAX && timers[id].used ? &timers[id] : 0;
}

long kiln_sys_timer_create(const struct syscall_args *args)
{
    int32_t clock = (int32_t)args->arg1;
    const struct kernel_sigevent *event = (const struct kernel_sigevent *)(uintptr_t)args->arg2;
    int32_t *id_out = (int32_t *)(uintptr_t)args->arg3;
    if (!kiln_clock_known(clock) || clock == CLOCK_THREAD_CPUTIME_ID)
        return -EINVAL;
    if ((event && !user_range_ok(event, KERNEL_SIGEVENT_SIZE)) ||
        !user_range_ok(id_out, sizeof *id_out))
        return -EFAULT;
    int32_t id = 0;
    while (id < TIMER_MAX && timers[id].used)
        id++;
    if (id == TIMER_MAX)
        return -EAGAIN;
    struct timer timer = {.used = true, .clock = clock, .signo = SIGALRM, .value = (uint64_t)id};
    if (event) {
        timer.value = event->value;
        timer.signo = event->signo;
        switch (event->notify) {
        case SIGEV_NONE:
            timer.silent = true;
            break;
        case SIGEV_THREAD_ID:
            if (!thread_of(event->tid))
                return -EINVAL;
            timer.to_thread = true;
            timer.tid = event->tid;
            /* fall through */
        case SIGEV_SIGNAL:
            if (event->signo < 1 || event->signo >= SIGNAL_COUNT)
                return -EINVAL;
            break;
        default:
            return -EINVAL;
        }
    }
    timers[id] = timer;
    *id_out = id;
    return 0;
}

long kiln_sys_timer_settime(const struct syscall_args *args)
{
    struct timer *timer = timer_at(args->arg1);
    int flags = (int)args->arg2;
    const struct itimerspec *value = (const struct itimerspec *)(uintptr_t)args->arg3;
    struct itimerspec *old = (struct itimerspec *)(uintptr_t)args->arg4;

    if (!timer || (flags & ~TIMER_ABSTIME))
        return -EINVAL;
    if (!user_range_ok(value, sizeof *value) || (old && !user_range_ok(old, sizeof *old)))
        return -EFAULT;
    if (!interval_timer_valid(value))
        return -EINVAL;
    if (old)
        *old = interval_timer_get(&timer->when, sched_now_ns());
    interval_timer_set(&timer->when, timer->clock, flags & TIMER_ABSTIME, value);
    arm(timer);
    return 0;
}

long kiln_sys_timer_gettime(const struct syscall_args *args)
{
    struct timer *timer = timer_at(args->arg1);
    struct itimerspec *out = (struct itimerspec *)(uintptr_t)args->arg2;
    if (!timer)
        return -EINVAL;
    if (!user_range_ok(out, sizeof *out))
        return -EFAULT;
    *out = interval_timer_get(&timer->when, sched_now_ns());
    return 0;
}

long kiln_sys_timer_getoverrun(const struct syscall_args *args)
{
    struct timer *timer = timer_at(args->arg1);
    return timer ? timer->overrun : -EINVAL;
}

long kiln_sys_timer_delete(const struct syscall_args *args)
{
    struct timer *timer = timer_at(args->arg1);
    if (!timer)
        return -EINVAL;
    *timer = (struct timer){0};
    return 0;
}
