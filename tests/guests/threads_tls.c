/*
 * What pthreads promise beyond mutexes, one line each: thread-local
 * storage, keys and their destructors, join values, detached threads,
 * rwlocks, barriers, semaphores, pthread_once, cancellation of a thread
 * blocked in a cancellation point, and thread ids.
 *
 *   threads_tls [CASE]   (no CASE: every case, in order)
 */
#define _GNU_SOURCE
#include "cases.h"
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define THREADS 4

static int failures;

static void check(int ok, const char *what)
{
    if (!ok) {
        printf("FAILED: %s\n", what);
        failures++;
    }
}

static void start(pthread_t *thread, void *(*body)(void *), void *arg)
{
    int err = pthread_create(thread, NULL, body, arg);
    if (err != 0) {
        printf("pthread_create: %s\n", strerror(err));
        failures++;
    }
}

static void pause_ms(long ms)
{
    struct timespec delay = {.tv_sec = ms / 1000, .tv_nsec = ms % 1000 * 1000000};
    nanosleep(&delay, NULL);
}

/* __thread: each thread starts with the initial value and sees only its
 * own writes, even after the others wrote theirs. */
static __thread int tls_value = 42;
static __thread char tls_zeroed[64];
static pthread_barrier_t all_wrote;

static void *tls_body(void *arg)
{
    int id = (int)(intptr_t)arg;
    int fresh = tls_value == 42 && tls_zeroed[0] == 0 && tls_zeroed[63] == 0;
    tls_value = id * 100;
    memset(tls_zeroed, id, sizeof tls_zeroed);
    pthread_barrier_wait(&all_wrote);
    int kept = tls_value == id * 100 && tls_zeroed[63] == id;
    return (void *)(intptr_t)(fresh && kept);
}

static void thread_locals(void)
{
    pthread_t threads[THREADS];
    pthread_barrier_init(&all_wrote, NULL, THREADS);
    tls_value = 7;
    for (int t = 0; t < THREADS; t++)
        start(&threads[t], tls_body, (void *)(intptr_t)(t + 1));
    int good = 0;
    for (int t = 0; t < THREADS; t++) {
        void *ok;
        pthread_join(threads[t], &ok);
        good += ok != NULL;
    }
    pthread_barrier_destroy(&all_wrote);
    printf("__thread: %d of %d threads saw their own values, main kept %d\n", good, THREADS,
           tls_value);
}

/* Keys: a value per thread, and the destructor runs with it at thread exit. */
static pthread_key_t key;
static atomic_int destructor_sum;

static void key_destructor(void *value)
{
    atomic_fetch_add(&destructor_sum, (int)(intptr_t)value);
}

static void *key_body(void *arg)
{
    check(pthread_getspecific(key) == NULL, "a new thread's key value is NULL");
    pthread_setspecific(key, arg);
    pause_ms(1);
    check(pthread_getspecific(key) == arg, "a thread keeps its key value");
    return NULL;
}

static void keys(void)
{
    pthread_t threads[THREADS];
    pthread_key_create(&key, key_destructor);
    for (int t = 0; t < THREADS; t++)
        start(&threads[t], key_body, (void *)(intptr_t)(t + 1));
    for (int t = 0; t < THREADS; t++)
        pthread_join(threads[t], NULL);
    pthread_key_delete(key);
    printf("pthread_key: destructors ran with values summing to %d\n",
           atomic_load(&destructor_sum));
}

/* Join gives back what the thread returned, or what it passed to
 * pthread_exit. */
static void *return_value(void *arg)
{
    if ((intptr_t)arg % 2)
        pthread_exit((void *)((intptr_t)arg * 7));
    return (void *)((intptr_t)arg * 7);
}

static void join_values(void)
{
    pthread_t threads[THREADS];
    for (int t = 0; t < THREADS; t++)
        start(&threads[t], return_value, (void *)(intptr_t)(t + 1));
    intptr_t sum = 0;
    for (int t = 0; t < THREADS; t++) {
        void *value;
        pthread_join(threads[t], &value);
        sum += (intptr_t)value;
    }
    printf("pthread_join: return values sum to %ld\n", (long)sum);
}

/* Detached threads: nobody joins them; they say they are done by a
 * semaphore. */
static sem_t detached_done;

static void *detached_body(void *arg)
{
    (void)arg;
    sem_post(&detached_done);
    return NULL;
}

static void detached(void)
{
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    sem_init(&detached_done, 0, 0);
    for (int t = 0; t < THREADS; t++) {
        pthread_t thread;
        check(pthread_create(&thread, &attr, detached_body, NULL) == 0, "detached create");
    }
    for (int t = 0; t < THREADS; t++)
        sem_wait(&detached_done);
    int left = -1;
    sem_getvalue(&detached_done, &left);
    pthread_attr_destroy(&attr);
    printf("detached: %d threads posted, semaphore back to %d\n", THREADS, left);
}

/* rwlock: writers change two fields together; readers, many at once,
 * never see them differ. */
#define RW_ROUNDS 2000
static pthread_rwlock_t rwlock = PTHREAD_RWLOCK_INITIALIZER;
static long rw_first, rw_second;
static atomic_int torn_reads;

static void *rw_body(void *arg)
{
    int writer = (int)(intptr_t)arg;
    for (int i = 0; i < RW_ROUNDS; i++) {
        if (writer) {
            pthread_rwlock_wrlock(&rwlock);
            rw_first++;
            if (i % 64 == 0)
                sched_yield();
            rw_second++;
            pthread_rwlock_unlock(&rwlock);
        } else {
            pthread_rwlock_rdlock(&rwlock);
            long first = rw_first;
            if (i % 64 == 0)
                sched_yield();
            if (first != rw_second)
                atomic_fetch_add(&torn_reads, 1);
            pthread_rwlock_unlock(&rwlock);
        }
    }
    return NULL;
}

static void rwlocks(void)
{
    pthread_t threads[THREADS];
    for (int t = 0; t < THREADS; t++)
        start(&threads[t], rw_body, (void *)(intptr_t)(t % 2));
    for (int t = 0; t < THREADS; t++)
        pthread_join(threads[t], NULL);
    pthread_rwlock_rdlock(&rwlock);
    int two_readers = pthread_rwlock_tryrdlock(&rwlock) == 0;
    int writer_refused = pthread_rwlock_trywrlock(&rwlock) == EBUSY;
    pthread_rwlock_unlock(&rwlock);
    if (two_readers)
        pthread_rwlock_unlock(&rwlock);
    printf("rwlock: %ld writes, %d torn reads, two readers at once %s, writer refused %s\n",
           rw_second, atomic_load(&torn_reads), two_readers ? "yes" : "no",
           writer_refused ? "yes" : "no");
}

/* Barrier: nobody passes before everyone arrived; one of them is told it
 * is the serial thread. */
static pthread_barrier_t barrier;
static atomic_int arrived, saw_all, serial;

static void *barrier_body(void *arg)
{
    (void)arg;
    for (int round = 1; round <= 3; round++) {
        atomic_fetch_add(&arrived, 1);
        if (pthread_barrier_wait(&barrier) == PTHREAD_BARRIER_SERIAL_THREAD)
            atomic_fetch_add(&serial, 1);
        if (atomic_load(&arrived) >= round * THREADS)
            atomic_fetch_add(&saw_all, 1);
        pthread_barrier_wait(&barrier);
    }
    return NULL;
}

static void barriers(void)
{
    pthread_t threads[THREADS];
    pthread_barrier_init(&barrier, NULL, THREADS);
    for (int t = 0; t < THREADS; t++)
        start(&threads[t], barrier_body, NULL);
    for (int t = 0; t < THREADS; t++)
        pthread_join(threads[t], NULL);
    pthread_barrier_destroy(&barrier);
    printf("barrier: 3 rounds, %d of %d passes saw everyone arrive, %d serial threads\n",
           atomic_load(&saw_all), 3 * THREADS, atomic_load(&serial));
}

/* Semaphores: a counting one hands out exactly its count; sem_trywait
 * says EAGAIN when it is empty; sem_timedwait times out. */
static sem_t tokens;
static atomic_int tokens_taken;

static void *token_body(void *arg)
{
    (void)arg;
    while (sem_trywait(&tokens) == 0)
        atomic_fetch_add(&tokens_taken, 1);
    return NULL;
}

static void semaphores(void)
{
    pthread_t threads[THREADS];
    sem_init(&tokens, 0, 1000);
    for (int t = 0; t < THREADS; t++)
        start(&threads[t], token_body, NULL);
    for (int t = 0; t < THREADS; t++)
        pthread_join(threads[t], NULL);
    int empty = sem_trywait(&tokens) == -1 && errno == EAGAIN;
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_nsec += 20 * 1000000;
    if (deadline.tv_nsec >= 1000000000) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000;
    }
    int timed_out = sem_timedwait(&tokens, &deadline) == -1 && errno == ETIMEDOUT;
    printf("sem_t: %d tokens taken, then EAGAIN %s, sem_timedwait ETIMEDOUT %s\n",
           atomic_load(&tokens_taken), empty ? "yes" : "no", timed_out ? "yes" : "no");
}

/* pthread_once: however many threads race, the routine runs once. */
static pthread_once_t once = PTHREAD_ONCE_INIT;
static atomic_int once_runs;

static void once_routine(void)
{
    atomic_fetch_add(&once_runs, 1);
    pause_ms(5);
}

static void *once_body(void *arg)
{
    (void)arg;
    pthread_once(&once, once_routine);
    return (void *)(intptr_t)atomic_load(&once_runs);
}

static void once_only(void)
{
    pthread_t threads[THREADS];
    for (int t = 0; t < THREADS; t++)
        start(&threads[t], once_body, NULL);
    int all_after = 1;
    for (int t = 0; t < THREADS; t++) {
        void *runs;
        pthread_join(threads[t], &runs);
        all_after &= (intptr_t)runs == 1;
    }
    printf("pthread_once: routine ran %d time(s), every caller returned after it %s\n",
           atomic_load(&once_runs), all_after ? "yes" : "no");
}

/* Cancellation: a thread blocked in a cancellation point (read of an empty
 * pipe, pthread_cond_wait, nanosleep) is cancelled there, runs its cleanup
 * handlers, and join gives PTHREAD_CANCELED. */
static sem_t about_to_block;
static pthread_mutex_t cancel_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t never_signalled = PTHREAD_COND_INITIALIZER;
static atomic_int cleanups;

static void count_cleanup(void *arg)
{
    (void)arg;
    atomic_fetch_add(&cleanups, 1);
}

static void unlock_cleanup(void *arg)
{
    atomic_fetch_add(&cleanups, 1);
    pthread_mutex_unlock(arg);
}

static void *blocked_in_read(void *arg)
{
    int fd = *(int *)arg;
    char byte;
    pthread_cleanup_push(count_cleanup, NULL);
    sem_post(&about_to_block);
    read(fd, &byte, 1);
    pthread_cleanup_pop(0);
    return NULL;
}

static void *blocked_in_cond_wait(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&cancel_lock);
    pthread_cleanup_push(unlock_cleanup, &cancel_lock);
    sem_post(&about_to_block);
    for (;;)
        pthread_cond_wait(&never_signalled, &cancel_lock);
    pthread_cleanup_pop(1);
    return NULL;
}

static void *blocked_in_sleep(void *arg)
{
    (void)arg;
    pthread_cleanup_push(count_cleanup, NULL);
    sem_post(&about_to_block);
    sleep(100);
    pthread_cleanup_pop(0);
    return NULL;
}

static void cancel_one(const char *where, void *(*body)(void *), void *arg)
{
    pthread_t thread;
    start(&thread, body, arg);
    sem_wait(&about_to_block);
    pause_ms(20); /* let it block, so the cancel finds it waiting */
    int before = atomic_load(&cleanups);
    pthread_cancel(thread);
    void *result = NULL;
    pthread_join(thread, &result);
    printf("pthread_cancel in %s: join gave %s, cleanup ran %d time(s)\n", where,
           result == PTHREAD_CANCELED ? "PTHREAD_CANCELED" : "something else",
           atomic_load(&cleanups) - before);
}

static void cancellation(void)
{
    int pipe_fds[2];
    sem_init(&about_to_block, 0, 0);
    if (pipe(pipe_fds) != 0) {
        printf("pipe: %s\n", strerror(errno));
        failures++;
        return;
    }
    cancel_one("read of an empty pipe", blocked_in_read, &pipe_fds[0]);
    cancel_one("pthread_cond_wait", blocked_in_cond_wait, NULL);
    check(pthread_mutex_trylock(&cancel_lock) == 0, "the cancelled waiter's mutex is free");
    pthread_mutex_unlock(&cancel_lock);
    cancel_one("sleep", blocked_in_sleep, NULL);
    close(pipe_fds[0]);
    close(pipe_fds[1]);
}

/* pthread_self and gettid: every live thread has its own. */
struct ids {
    pthread_t self;
    long tid;
};
static struct ids thread_ids[THREADS + 1];
static pthread_barrier_t all_alive;

static void *ids_body(void *arg)
{
    struct ids *ids = arg;
    ids->self = pthread_self();
    ids->tid = syscall(SYS_gettid);
    pthread_barrier_wait(&all_alive);
    return NULL;
}

static void thread_identities(void)
{
    pthread_t threads[THREADS];
    pthread_barrier_init(&all_alive, NULL, THREADS);
    thread_ids[THREADS].self = pthread_self();
    thread_ids[THREADS].tid = syscall(SYS_gettid);
    for (int t = 0; t < THREADS; t++)
        start(&threads[t], ids_body, &thread_ids[t]);
    int same_handle = 1;
    for (int t = 0; t < THREADS; t++) {
        pthread_join(threads[t], NULL);
        same_handle &= pthread_equal(threads[t], thread_ids[t].self) != 0;
    }
    pthread_barrier_destroy(&all_alive);
    int distinct = 0;
    for (int i = 0; i <= THREADS; i++) {
        int unique = 1;
        for (int j = 0; j <= THREADS; j++)
            if (i != j && (pthread_equal(thread_ids[i].self, thread_ids[j].self) ||
                           thread_ids[i].tid == thread_ids[j].tid))
                unique = 0;
        distinct += unique;
    }
    printf("ids: %d of %d threads have their own pthread_self and gettid, main's tid is the pid "
           "%s, create's handle is the thread's pthread_self %s\n",
           distinct, THREADS + 1, thread_ids[THREADS].tid == getpid() ? "yes" : "no",
           same_handle ? "yes" : "no");
}

static const struct guest_case cases[] = {
    {"tls", thread_locals},     {"keys", keys},      {"join", join_values},
    {"detached", detached},     {"rwlock", rwlocks}, {"barrier", barriers},
    {"semaphore", semaphores},  {"once", once_only}, {"cancel", cancellation},
    {"ids", thread_identities},
};

int main(int argc, char **argv)
{
    if (run_cases(cases, sizeof cases / sizeof cases[0], argc, argv) == 0)
        return 2;
    return failures == 0 ? 0 : 1;
}
