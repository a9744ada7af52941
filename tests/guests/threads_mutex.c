/* Eight threads add to one counter under a mutex: no increment is lost. */
#include <pthread.h>
#include <stdio.h>

#define THREADS    8
#define INCREMENTS 100000

struct shared {
    pthread_mutex_t lock;
    unsigned long counter;
};

static void *add(void *arg)
{
    struct shared *shared = arg;
    for (int i = 0; i < INCREMENTS; i++) {
        pthread_mutex_lock(&shared->lock);
        shared->counter++;
        pthread_mutex_unlock(&shared->lock);
    }
    return NULL;
}

int main(void)
{
    struct shared shared = {.lock = PTHREAD_MUTEX_INITIALIZER};
    pthread_t threads[THREADS];
    for (int t = 0; t < THREADS; t++) {
        if (pthread_create(&threads[t], NULL, add, &shared) != 0) {
            printf("pthread_create failed\n");
            return 1;
        }
    }
    for (int t = 0; t < THREADS; t++)
        pthread_join(threads[t], NULL);
    printf("%d threads x %d increments: counter %lu\n", THREADS, INCREMENTS, shared.counter);
    return shared.counter == (unsigned long)THREADS * INCREMENTS ? 0 : 1;
}
