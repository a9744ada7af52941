/*
 * Worker threads and the job queue.  Each worker makes its clone on its
 * own thread (the clone's timer signals that thread), then serves jobs:
 * run, hand the job back, reset the clone while no one waits on it.  A
 * job that crashed, timed out or failed leaves a VM that is not trusted
 * to reset: it is rebuilt from the snapshot instead.
 */
#include "pool.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "clone.h"
#include "request.h"
#include "reset.h"
#include "snapshot.h"

struct worker {
    struct pool *pool;
    pthread_t thread;
    bool has_clone;
    struct clone clone;
};

struct pool {
    struct snapshot snapshot;
    uint64_t timeout_ms;
    pthread_mutex_t lock;
    pthread_cond_t job_or_close; /* a job was queued, or the pool is closing */
    pthread_cond_t started;      /* a worker finished starting */
    struct pool_job *head;
    struct pool_job *tail;
    bool closing;
    unsigned starting;
    unsigned failed_starts;
    struct pool_stats stats;
    unsigned worker_count;
    struct worker workers[];
};

static void count_started(struct pool *pool, bool ok)
{
    pthread_mutex_lock(&pool->lock);
    pool->starting--;
    pool->failed_starts += !ok;
    pthread_cond_signal(&pool->started);
    pthread_mutex_unlock(&pool->lock);
}

/* The next job, or NULL once the pool is closing and the queue is empty. */
static struct pool_job *next_job(struct pool *pool)
{
    pthread_mutex_lock(&pool->lock);
    while (pool->head == NULL && !pool->closing)
        pthread_cond_wait(&pool->job_or_close, &pool->lock);
    struct pool_job *job = pool->head;
    if (job != NULL) {
        pool->head = job->next;
        if (pool->head == NULL)
            pool->tail = NULL;
        pool->stats.jobs++;
    }
    pthread_mutex_unlock(&pool->lock);
    return job;
}

static void count_reset(struct pool *pool, int64_t ns, long pages)
{
    pthread_mutex_lock(&pool->lock);
    pool->stats.resets++;
    pool->stats.reset_ns += (uint64_t)ns;
    pool->stats.reset_pages += (uint64_t)pages;
    pthread_mutex_unlock(&pool->lock);
}

static void count_rebuild(struct pool *pool)
{
    pthread_mutex_lock(&pool->lock);
    pool->stats.rebuilds++;
    pthread_mutex_unlock(&pool->lock);
}

static void rebuild(struct worker *worker)
{
    if (worker->has_clone)
        clone_destroy(&worker->clone);
    worker->has_clone =
        clone_create(&worker->clone, &worker->pool->snapshot, worker->pool->timeout_ms) == 0;
    count_rebuild(worker->pool);
}

static bool vm_still_sound(enum pool_outcome outcome)
{
    return outcome == POOL_ANSWERED || outcome == POOL_OUTPUT_TOO_LARGE ||
           outcome == POOL_ENV_TOO_LARGE;
}

static void serve(struct worker *worker, struct pool_job *job)
{
    if (!worker->has_clone)
        rebuild(worker);
    if (!worker->has_clone) {
        job->outcome = POOL_FAILED;
        job->done(job);
        return;
    }
    request_run(&worker->clone, job);
    bool sound = vm_still_sound(job->outcome);
    job->done(job);
    if (sound) {
        int64_t start = clock_ns(CLOCK_MONOTONIC);
        long pages = reset_clone(&worker->clone);
        sound = pages >= 0;
        if (sound)
            count_reset(worker->pool, clock_ns(CLOCK_MONOTONIC) - start, pages);
    }
    if (!sound)
        rebuild(worker);
}

static void *worker_main(void *arg)
{
    struct worker *worker = arg;
    struct pool *pool = worker->pool;
    worker->has_clone = clone_create(&worker->clone, &pool->snapshot, pool->timeout_ms) == 0;
    count_started(pool, worker->has_clone);
    for (struct pool_job *job; (job = next_job(pool)) != NULL;)
        serve(worker, job);
    if (worker->has_clone)
        clone_destroy(&worker->clone);
    return NULL;
}

static unsigned start_workers(struct pool *pool, unsigned count)
{
    unsigned started = 0;
    for (; started < count; started++) {
        struct worker *worker = &pool->workers[started];
        worker->pool = pool;
        pool->starting++;
        int rc = pthread_create(&worker->thread, NULL, worker_main, worker);
        if (rc != 0) {
            pool->starting--;
            fprintf(stderr, "kiln: %s: starting worker %u: %s\n", pool->snapshot.name,
                    started + 1, strerror(rc));
            break;
        }
    }
    return started;
}

static bool wait_for_workers(struct pool *pool)
{
    pthread_mutex_lock(&pool->lock);
    while (pool->starting > 0)
        pthread_cond_wait(&pool->started, &pool->lock);
    bool ok = pool->failed_starts == 0;
    pthread_mutex_unlock(&pool->lock);
    return ok;
}

static struct pool *pool_alloc(const struct pool_options *options)
{
    struct pool *pool = calloc(1, sizeof *pool + options->workers * sizeof(struct worker));
    if (pool == NULL) {
        fprintf(stderr, "kiln: %s: out of memory\n", options->name);
        return NULL;
    }
    pool->timeout_ms = options->timeout_ms;
    pthread_mutex_init(&pool->lock, NULL);
    pthread_cond_init(&pool->job_or_close, NULL);
    pthread_cond_init(&pool->started, NULL);
    return pool;
}

static void pool_free(struct pool *pool)
{
    snapshot_release(&pool->snapshot);
    pthread_mutex_destroy(&pool->lock);
    pthread_cond_destroy(&pool->job_or_close);
    pthread_cond_destroy(&pool->started);
    free(pool);
}

struct pool *pool_open(const struct pool_options *options)
{
    struct pool *pool = pool_alloc(options);
    if (pool == NULL)
        return NULL;
    struct snapshot_options snap = {
        .image_path = options->image_path,
        .image_name = options->image_name,
        .name = options->name,
        .mem_size = options->mem_size,
        .timeout_ms = options->timeout_ms,
        .argc = options->argc,
        .argv = options->argv,
    };
    if (snapshot_take(&pool->snapshot, &snap) != 0) {
        pool_free(pool);
        return NULL;
    }
    pool->worker_count = start_workers(pool, options->workers);
    if (pool->worker_count < options->workers || !wait_for_workers(pool)) {
        pool_close(pool);
        return NULL;
    }
    return pool;
}

void pool_submit(struct pool *pool, struct pool_job *job)
{
    job->next = NULL;
    pthread_mutex_lock(&pool->lock);
    if (pool->tail != NULL)
        pool->tail->next = job;
    else
        pool->head = job;
    pool->tail = job;
    pthread_cond_signal(&pool->job_or_close);
    pthread_mutex_unlock(&pool->lock);
}

void pool_stats(struct pool *pool, struct pool_stats *stats)
{
    pthread_mutex_lock(&pool->lock);
    *stats = pool->stats;
    pthread_mutex_unlock(&pool->lock);
}

void pool_close(struct pool *pool)
{
    pthread_mutex_lock(&pool->lock);
    pool->closing = true;
    pthread_cond_broadcast(&pool->job_or_close);
    pthread_mutex_unlock(&pool->lock);
    for (unsigned i = 0; i < pool->worker_count; i++)
        pthread_join(pool->workers[i].thread, NULL);
    pool_free(pool);
}
