/*
 * Asynchronous signals and the calls that manage them, one line each:
 * alarm interrupting a loop that makes no system call, setitimer ticks,
 * a POSIX timer, raise, blocking and pending, sigsuspend, sigtimedwait,
 * and a sleep cut short by a signal.
 *
 *   signals_alarm [CASE]   (no CASE: every case, in order)
 */
#define _GNU_SOURCE
#include "cases.h"
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define MS 1000000L

static volatile sig_atomic_t alarms, usr1s, usr2s, timer_fires;
static volatile int timer_code, timer_value;
static int failures;

static void on_alarm(int signo)
{
    (void)signo;
    alarms++;
}

static void on_usr1(int signo)
{
    (void)signo;
    usr1s++;
}

static void on_usr2(int signo)
{
    (void)signo;
    usr2s++;
}

static void on_timer(int signo, siginfo_t *info, void *context)
{
    (void)signo;
    (void)context;
    timer_fires++;
    timer_code = info->si_code;
    timer_value = info->si_value.sival_int;
}

static void handle(int signo, void (*handler)(int))
{
    struct sigaction action = {.sa_handler = handler};
    sigemptyset(&action.sa_mask);
    sigaction(signo, &action, NULL);
}

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000 + ts.tv_nsec / MS;
}

static const char *yes(int ok)
{
    if (!ok)
        failures++;
    return ok ? "yes" : "no";
}

static void block(int how, int signo)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, signo);
    sigprocmask(how, &set, NULL);
}

/* The loop makes no system call: only an interrupt can bring the handler. */
static void alarm_in_busy_loop(void)
{
    long start = now_ms();
    alarms = 0;
    alarm(1);
    while (!alarms)
        ;
    long waited = now_ms() - start;
    printf("alarm(1): handler ran inside a busy loop, after at least 1 s %s\n", yes(waited >= 999));
}

static void interval_timer(void)
{
    struct itimerval every_50ms = {.it_interval = {.tv_usec = 50000},
                                   .it_value = {.tv_usec = 50000}};
    struct itimerval off = {0};
    alarms = 0;
    long start = now_ms();
    setitimer(ITIMER_REAL, &every_50ms, NULL);
    while (alarms < 5)
        pause();
    long waited = now_ms() - start;
    setitimer(ITIMER_REAL, &off, NULL);
    int ticks = alarms;
    printf("setitimer(ITIMER_REAL, 50 ms): %d ticks, none early %s\n", ticks, yes(waited >= 249));
}

static void posix_timer(void)
{
    struct sigaction action = {.sa_sigaction = on_timer, .sa_flags = SA_SIGINFO};
    sigemptyset(&action.sa_mask);
    sigaction(SIGRTMIN, &action, NULL);
    struct sigevent event = {.sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGRTMIN};
    event.sigev_value.sival_int = 42;
    timer_t timer;
    if (timer_create(CLOCK_MONOTONIC, &event, &timer) != 0) {
        printf("timer_create: %s\n", strerror(errno));
        failures++;
        return;
    }
    struct itimerspec once = {.it_value = {.tv_nsec = 100 * MS}};
    long start = now_ms();
    timer_settime(timer, 0, &once, NULL);
    while (!timer_fires)
        pause();
    long waited = now_ms() - start;
    struct timespec more = {.tv_nsec = 150 * MS};
    nanosleep(&more, NULL);
    printf("timer_create(CLOCK_MONOTONIC, SIGEV_SIGNAL) 100 ms: fired %d time(s), "
           "not early %s, si_code SI_TIMER %s, sival_int %d\n",
           (int)timer_fires, yes(waited >= 99), yes(timer_code == SI_TIMER), timer_value);
    timer_delete(timer);
}

static void raise_runs_handler(void)
{
    usr1s = 0;
    raise(SIGUSR1);
    int ran = usr1s;
    printf("raise(SIGUSR1): handler ran before raise returned %s\n", yes(ran == 1));
}

static void blocked_then_pending(void)
{
    usr1s = 0;
    block(SIG_BLOCK, SIGUSR1);
    raise(SIGUSR1);
    int ran_while_blocked = usr1s;
    sigset_t pending;
    sigpending(&pending);
    int is_pending = sigismember(&pending, SIGUSR1);
    block(SIG_UNBLOCK, SIGUSR1);
    int ran_on_unblock = usr1s;
    sigpending(&pending);
    printf("blocked SIGUSR1: handler held back %s, sigpending shows it %s, "
           "ran once on unblock %s, no longer pending %s\n",
           yes(ran_while_blocked == 0), yes(is_pending == 1), yes(ran_on_unblock == 1),
           yes(!sigismember(&pending, SIGUSR1)));
}

static void suspend_until_alarm(void)
{
    alarms = 0;
    block(SIG_BLOCK, SIGALRM);
    struct itimerval in_50ms = {.it_value = {.tv_usec = 50000}};
    setitimer(ITIMER_REAL, &in_50ms, NULL);
    sigset_t all_but_alarm;
    sigfillset(&all_but_alarm);
    sigdelset(&all_but_alarm, SIGALRM);
    int result = sigsuspend(&all_but_alarm);
    int err = errno;
    sigset_t now;
    sigprocmask(SIG_SETMASK, NULL, &now);
    printf("sigsuspend: returned -1 EINTR %s after the handler ran %s, old mask back %s\n",
           yes(result == -1 && err == EINTR), yes(alarms == 1),
           yes(sigismember(&now, SIGALRM) && !sigismember(&now, SIGUSR1)));
    block(SIG_UNBLOCK, SIGALRM);
}

static void timed_wait(void)
{
    usr2s = 0;
    block(SIG_BLOCK, SIGUSR2);
    raise(SIGUSR2);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR2);
    siginfo_t info;
    struct timespec second = {.tv_sec = 1};
    int got = sigtimedwait(&set, &info, &second);
    printf("sigtimedwait with SIGUSR2 pending: returned %s, si_code SI_TKILL %s, "
           "handler skipped %s\n",
           got == SIGUSR2 ? "SIGUSR2" : "something else", yes(info.si_code == SI_TKILL),
           yes(usr2s == 0));
    struct timespec short_wait = {.tv_nsec = 30 * MS};
    long start = now_ms();
    got = sigtimedwait(&set, &info, &short_wait);
    int err = errno;
    long waited = now_ms() - start;
    printf("sigtimedwait with nothing pending: -1 EAGAIN %s after 30 ms %s\n",
           yes(got == -1 && err == EAGAIN), yes(waited >= 29));
    block(SIG_UNBLOCK, SIGUSR2);
}

static void sleep_interrupted(void)
{
    alarms = 0;
    struct itimerval in_50ms = {.it_value = {.tv_usec = 50000}};
    setitimer(ITIMER_REAL, &in_50ms, NULL);
    struct timespec second = {.tv_sec = 1}, left = {0};
    int result = nanosleep(&second, &left);
    int err = errno;
    long left_ms = left.tv_sec * 1000 + left.tv_nsec / MS;
    printf("nanosleep(1 s) cut by SIGALRM at 50 ms: -1 EINTR %s, handler ran %s, "
           "time left between 0.5 s and 0.951 s %s\n",
           yes(result == -1 && err == EINTR), yes(alarms == 1),
           yes(left_ms >= 500 && left_ms <= 951));
}

static const struct guest_case cases[] = {
    {"alarm", alarm_in_busy_loop},     {"setitimer", interval_timer},
    {"timer_create", posix_timer},     {"raise", raise_runs_handler},
    {"pending", blocked_then_pending}, {"sigsuspend", suspend_until_alarm},
    {"sigtimedwait", timed_wait},      {"nanosleep", sleep_interrupted},
};

int main(int argc, char **argv)
{
    handle(SIGALRM, on_alarm);
    handle(SIGUSR1, on_usr1);
    handle(SIGUSR2, on_usr2);
    if (run_cases(cases, sizeof cases / sizeof cases[0], argc, argv) == 0)
        return 2;
    return failures == 0 ? 0 : 1;
}
