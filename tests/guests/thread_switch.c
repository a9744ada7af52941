/*
 * Two runnable threads hand the CPU to each other with sched_yield, N
 * times each (argv[1], default 100000): what a switch between threads
 * costs when nothing blocks.
 *
 *   thread_switch [N]  ->  "2N switches in X us (Y per second)"
 */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static long yields;

static void *yield_all(void *arg)
{
    for (long i = 0; i < yields; i++)
        sched_yield();
    return arg;
}

static double now_us(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

int main(int argc, char **argv)
{
    yields = argc > 1 ? atol(argv[1]) : 100000;
    pthread_t other;
    double start = now_us();
    if (pthread_create(&other, NULL, yield_all, NULL) != 0) {
        printf("pthread_create failed\n");
        return 1;
    }
    yield_all(NULL);
    pthread_join(other, NULL);
    double took = now_us() - start;
    printf("%ld switches in %.0f us (%.0f per second)\n", 2 * yields, took,
           2 * (double)yields / took * 1e6);
    return 0;
}
