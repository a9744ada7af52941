/*
 * Delivers SIGUSR1 to itself N times (argv[1], default 100000) with
 * raise(), into a handler that counts: what one signal's round trip
 * (send, deliver, handler, sigreturn) costs.
 *
 *   signal_rate [N]  ->  "N signals in X us (Y per second)"
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static volatile sig_atomic_t handled;

static void count(int signo)
{
    (void)signo;
    handled++;
}

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

int main(int argc, char **argv)
{
    long signals = argc > 1 ? atol(argv[1]) : 100000;
    if (signals < 1) {
        fprintf(stderr, "usage: signal_rate [SIGNALS]\n");
        return 2;
    }
    struct sigaction action = {.sa_handler = count};
    sigemptyset(&action.sa_mask);
    sigaction(SIGUSR1, &action, NULL);
    double start = now_us();
    for (long n = 0; n < signals; n++)
        raise(SIGUSR1);
    double us = now_us() - start;
    printf("%ld signals in %.0f us (%.0f per second)\n", signals, us, (double)signals / us * 1e6);
    return handled == signals ? 0 : 1;
}
