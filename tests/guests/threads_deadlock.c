/* Two threads take two mutexes in opposite orders, each holding its first
 * when it asks for its second: neither can go on, and main waits in join
 * forever.  Natively it hangs; kiln sees that no thread can ever run. */
#include <pthread.h>
#include <stdio.h>

struct locks {
    pthread_mutex_t a, b;
    pthread_barrier_t both_hold_one;
};

static void *a_then_b(void *arg)
{
    struct locks *l = arg;
    pthread_mutex_lock(&l->a);
    pthread_barrier_wait(&l->both_hold_one);
    pthread_mutex_lock(&l->b);
    return NULL;
}

static void *b_then_a(void *arg)
{
    struct locks *l = arg;
    pthread_mutex_lock(&l->b);
    pthread_barrier_wait(&l->both_hold_one);
    pthread_mutex_lock(&l->a);
    return NULL;
}

int main(void)
{
    struct locks locks = {.a = PTHREAD_MUTEX_INITIALIZER, .b = PTHREAD_MUTEX_INITIALIZER};
    pthread_barrier_init(&locks.both_hold_one, NULL, 2);
    printf("two threads, two mutexes, opposite orders\n");
    fflush(stdout);
    pthread_t first, second;
    if (pthread_create(&first, NULL, a_then_b, &locks) != 0 ||
        pthread_create(&second, NULL, b_then_a, &locks) != 0) {
        printf("pthread_create failed\n");
        return 1;
    }
    pthread_join(first, NULL);
    pthread_join(second, NULL);
    printf("no deadlock\n");
    return 1;
}
