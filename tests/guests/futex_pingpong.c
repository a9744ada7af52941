/*
 * Two threads pass a ball back and forth through futexes, N round trips
 * (argv[1], default 100000): each waits on its own word until the other
 * sets it and wakes it.  Every pass is a FUTEX_WAKE and, unless the
 * receiver is already awake, a FUTEX_WAIT: it measures what a blocking
 * handoff between threads costs.
 *
 *   futex_pingpong [N]  ->  "N round trips in X us (Y per second)"
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* From <linux/futex.h>, which musl's headers do not carry. */
#define FUTEX_WAIT_PRIVATE 128
#define FUTEX_WAKE_PRIVATE 129

struct table {
    atomic_int ball[2]; /* ball[p]: player p holds the ball */
    long round_trips;
    long passes[2];
};

struct player {
    struct table *table;
    int side;
};

static void futex_wait(atomic_int *word, int while_value)
{
    syscall(SYS_futex, word, FUTEX_WAIT_PRIVATE, while_value, NULL, NULL, 0);
}

static void futex_wake(atomic_int *word)
{
    syscall(SYS_futex, word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

static void *play(void *arg)
{
    struct player *me = arg;
    struct table *t = me->table;
    atomic_int *mine = &t->ball[me->side], *theirs = &t->ball[1 - me->side];
    for (long n = 0; n < t->round_trips; n++) {
        while (atomic_load(mine) == 0)
            futex_wait(mine, 0);
        atomic_store(mine, 0);
        t->passes[me->side]++;
        atomic_store(theirs, 1);
        futex_wake(theirs);
    }
    return NULL;
}

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

int main(int argc, char **argv)
{
    struct table table = {.round_trips = argc > 1 ? atol(argv[1]) : 100000};
    if (table.round_trips < 1) {
        fprintf(stderr, "usage: futex_pingpong [ROUND_TRIPS]\n");
        return 2;
    }
    struct player players[2] = {{&table, 0}, {&table, 1}};
    pthread_t threads[2];
    double start = now_us();
    atomic_store(&table.ball[0], 1);
    for (int p = 0; p < 2; p++) {
        if (pthread_create(&threads[p], NULL, play, &players[p]) != 0) {
            printf("pthread_create failed\n");
            return 1;
        }
    }
    for (int p = 0; p < 2; p++)
        pthread_join(threads[p], NULL);
    double us = now_us() - start;
    printf("%ld round trips in %.0f us (%.0f per second)\n", table.round_trips, us,
           (double)table.round_trips / us * 1e6);
    return table.passes[0] == table.round_trips && table.passes[1] == table.round_trips ? 0 : 1;
}
