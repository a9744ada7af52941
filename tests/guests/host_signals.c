/*
 * A program that waits for a signal from outside, one way per case.  It
 * says "ready" once its handlers are in place, then the test sends the
 * signal (to kiln run, or to this program run natively) and compares
 * what each printed and how each ended.
 *
 *   host_signals handler   handlers for SIGHUP, SIGINT, SIGQUIT, SIGTERM,
 *                          SIGUSR1, SIGUSR2; pause() until one comes
 *   host_signals sleep     no handler: sleep until the signal ends it
 *   host_signals ignore    SIGTERM ignored: sleep until SIGKILL
 *   host_signals read      SIGTERM's handler cuts a read of stdin short
 *   host_signals restart   SA_RESTART: the read goes on after the handler
 *   host_signals spin      a handler, and a loop that makes no system call
 *   host_signals spin-dfl  no handler, the same loop
 *   host_signals blocked   SIGINT and SIGTERM blocked until a line comes on
 *                          stdin: both run then, neither lost
 *   host_signals sigwait   SIGTERM blocked in every thread; one takes it
 *                          with sigwait while main waits in pthread_join
 *   host_signals reraise   SIGTERM's handler says so, puts the default
 *                          action back and raises it again
 *
 * Handled ones end with "got SIGNAME" and exit status 3.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define HANDLED_STATUS 3
#define SIGNALS_MAX    8

static volatile sig_atomic_t got[SIGNALS_MAX];
static volatile sig_atomic_t got_count;

static void on_signal(int signo)
{
    if (got_count < SIGNALS_MAX)
        got[got_count++] = signo;
}

static void handle(int signo, int flags)
{
    struct sigaction action = {.sa_handler = on_signal, .sa_flags = flags};
    sigemptyset(&action.sa_mask);
    sigaction(signo, &action, NULL);
}

static void say(const char *line)
{
    printf("%s\n", line);
    fflush(stdout);
}

static const char *name_of(int signo)
{
    switch (signo) {
    case SIGHUP:
        return "SIGHUP";
    case SIGINT:
        return "SIGINT";
    case SIGQUIT:
        return "SIGQUIT";
    case SIGTERM:
        return "SIGTERM";
    case SIGUSR1:
        return "SIGUSR1";
    case SIGUSR2:
        return "SIGUSR2";
    }
    return "another signal";
}

static int report_got(void)
{
    for (int i = 0; i < got_count; i++)
        printf("got %s\n", name_of(got[i]));
    return HANDLED_STATUS;
}

static int handler(void)
{
    static const int signals[] = {SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2};
    for (size_t i = 0; i < sizeof signals / sizeof signals[0]; i++)
        handle(signals[i], 0);
    say("ready");
    while (got_count == 0)
        pause();
    return report_got();
}

static _Noreturn void sleep_forever(void)
{
    say("ready");
    for (;;)
        sleep(1);
}

static _Noreturn void ignore(void)
{
    signal(SIGTERM, SIG_IGN);
    sleep_forever();
}

static int read_stdin(int flags)
{
    char line[64];
    handle(SIGTERM, flags);
    say("ready");
    ssize_t n = read(STDIN_FILENO, line, sizeof line - 1);
    if (n < 0) {
        printf("read: -1 %s, handler ran: %s\n", errno == EINTR ? "EINTR" : strerror(errno),
               got_count ? "yes" : "no");
    } else {
        line[n] = '\0';
        printf("read: %s", line);
        printf("handler ran first: %s\n", got_count ? "yes" : "no");
    }
    return report_got();
}

static int spin(bool with_handler)
{
    volatile unsigned long turns = 0;
    if (with_handler)
        handle(SIGTERM, 0);
    say("ready");
    while (got_count == 0)
        turns++;
    printf("the loop went round: %s\n", turns > 0 ? "yes" : "no");
    return report_got();
}

static int blocked(void)
{
    sigset_t set;
    char line[64];
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    handle(SIGINT, SA_RESTART);
    handle(SIGTERM, SA_RESTART);
    sigprocmask(SIG_BLOCK, &set, NULL);
    say("ready");
    if (fgets(line, sizeof line, stdin) == NULL)
        return 1;
    sigpending(&set);
    printf("pending: SIGINT %s, SIGTERM %s\n", sigismember(&set, SIGINT) ? "yes" : "no",
           sigismember(&set, SIGTERM) ? "yes" : "no");
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    return report_got();
}

static void *wait_for_term(void *set)
{
    int signo = 0;
    sigwait(set, &signo);
    printf("sigwait took %s\n", name_of(signo));
    return NULL;
}

static int sigwait_thread(void)
{
    static sigset_t set;
    pthread_t thread;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigprocmask(SIG_BLOCK, &set, NULL);
    if (pthread_create(&thread, NULL, wait_for_term, &set) != 0)
        return 1;
    say("ready");
    pthread_join(thread, NULL);
    return HANDLED_STATUS;
}

static void clean_up_and_reraise(int signo)
{
    static const char line[] = "cleaned up\n";
    write(STDOUT_FILENO, line, sizeof line - 1);
    signal(signo, SIG_DFL);
    raise(signo);
}

static _Noreturn void reraise(void)
{
    signal(SIGTERM, clean_up_and_reraise);
    sleep_forever();
}

int main(int argc, char **argv)
{
    const char *name = argc > 1 ? argv[1] : "";
    if (strcmp(name, "handler") == 0)
        return handler();
    if (strcmp(name, "sleep") == 0)
        sleep_forever();
    if (strcmp(name, "ignore") == 0)
        ignore();
    if (strcmp(name, "read") == 0)
        return read_stdin(0);
    if (strcmp(name, "restart") == 0)
        return read_stdin(SA_RESTART);
    if (strcmp(name, "spin") == 0)
        return spin(true);
    if (strcmp(name, "spin-dfl") == 0)
        return spin(false);
    if (strcmp(name, "blocked") == 0)
        return blocked();
    if (strcmp(name, "sigwait") == 0)
        return sigwait_thread();
    if (strcmp(name, "reraise") == 0)
        reraise();
    printf("no case %s\n", name);
    return 1;
}
