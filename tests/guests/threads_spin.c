/* One thread spins on a flag without a system call while another sleeps
 * 100 ms and then sets it.  On one CPU the spinner never gives the CPU
 * away: only preemption at the end of its time slice lets the sleeper run. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <time.h>

static void *spin(void *arg)
{
    atomic_int *flag = arg;
    while (!atomic_load_explicit(flag, memory_order_relaxed))
        ;
    return NULL;
}

static void *sleep_then_set(void *arg)
{
    atomic_int *flag = arg;
    struct timespec delay = {.tv_nsec = 100 * 1000 * 1000};
    nanosleep(&delay, NULL);
    atomic_store(flag, 1);
    return NULL;
}

int main(void)
{
    atomic_int flag = 0;
    pthread_t spinner, sleeper;
    if (pthread_create(&spinner, NULL, spin, &flag) != 0 ||
        pthread_create(&sleeper, NULL, sleep_then_set, &flag) != 0) {
        printf("pthread_create failed\n");
        return 1;
    }
    pthread_join(sleeper, NULL);
    pthread_join(spinner, NULL);
    printf("done\n");
    return 0;
}
