/*
 * Worker threads and the job queue.  Each worker makes its clone on its
 * own thread (the clone's timer signals that thread), then serves jobs:
 * run, hand the job back, reset the clone while no one waits on it.  A
 * job that crashed, timed out or failed leaves a VM that is not trusted
 * to reset: it is rebuilt from the snapshot instead, once its core, with
 * --dumpcore, is written (core_writer.h).
 */
#include "pool.h"

#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/clock.h"
#include "common/report.h"
#include "core_writer.h"
#include "monitor/clone.h"
#include "monitor/reset.h"
#include "monitor/snapshot.h"
#include "monitor/syscall_filter.h"
#include "request.h"
#include "request_io.h"

/* What a constructor (code before main) may write to stdout; dropped. */
#define CONSTRUCTOR_OUTPUT_MAX (1u << 20)
/* The name of every worker thread, as /proc and debuggers show it. */
#define WORKER_THREAD_NAME "kiln-vm"

struct worker {
    struct pool *pool;
    pthread_t thread;
    unsigned number; /* from 1, for messages */
    bool has_clone;
    struct clone clone;
    struct request_io io;  /* the clone's stdio */
    struct core_file core; /* the clone's deferred core, when the pool writes cores */
    struct pool_job *job;  /* the job it runs, until handed back */
    sigjmp_buf forbidden;  /* where a forbidden system call lands */
    bool stopping;         /* after one: the calls it makes while stopping fail */
};

struct pool {
    struct snapshot snapshot;
    uint64_t timeout_ms;
    struct core_writer *cores; /* NULL: no --dumpcore */
    pthread_mutex_t lock;
    pthread_cond_t job_or_close; /* a job was queued, or the pool is closing */
    pthread_cond_t started;      /* a worker finished starting */
    struct pool_job *head;
    struct pool_job *tail;
    bool closing;
    unsigned starting;
    unsigned failed_starts;
    unsigned live_workers; /* not stopped by a forbidden call */
    struct pool_stats stats;
    unsigned worker_count;
    struct worker workers[];
};

/* The worker that runs on this thread: the one thing the SIGSYS handler
 * needs that no argument can bring it. */
static _Thread_local struct worker *this_worker;

static void count_started(struct pool *pool, bool ok)
{
    pthread_mutex_lock(&pool->lock);
    pool->starting--;
    pool->failed_starts += !ok;
    pool->live_workers += ok;
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

static bool make_clone(struct worker *worker)
{
    const struct pool *pool = worker->pool;
    worker->has_clone = clone_create(&worker->clone, &pool->snapshot, request_io_guest(&worker->io),
                                     pool->timeout_ms, pool->cores ? &worker->core : NULL) == 0;
    return worker->has_clone;
}

static void rebuild(struct worker *worker)
{
    if (worker->has_clone)
        clone_destroy(&worker->clone);
    make_clone(worker);
    count_rebuild(worker->pool);
}

/* Hands the job back; from then on it is the caller's. */
static void hand_back(struct worker *worker, struct pool_job *job)
{
    worker->job = NULL;
    job->done(job);
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
        hand_back(worker, job);
        return;
    }
    struct core_writer *cores = worker->pool->cores;
    if (cores != NULL)
        core_file_defer(&worker->core);
    request_run(&worker->clone, &worker->io, job);
    if (cores != NULL)
        core_writer_dump(cores, &worker->clone.vm, &worker->core, job->name);
    bool sound = vm_still_sound(job->outcome);
    hand_back(worker, job);
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

/* A system call outside the worker's filter: the worker may be in a
 * guest's hands.  It says so in one line and stops; its job fails as a
 * crash does.  While it stops, a forbidden call just fails (ENOSYS).  The
 * signal comes from the worker's own call, never from inside report(),
 * whose one write the filter allows. */
static void on_forbidden_call(int signo, siginfo_t *info, void *context)
{
    struct worker *worker = this_worker;
    (void)signo;
    (void)context;
    if (worker->stopping)
        return;
    worker->stopping = true;
    report("%s: VM worker %u made system call %d, which its seccomp filter forbids; the worker "
           "stops",
           worker->pool->snapshot.name, worker->number, info->si_syscall);
    siglongjmp(worker->forbidden, 1);
}

static int catch_forbidden_calls(void)
{
    struct sigaction action = {.sa_sigaction = on_forbidden_call, .sa_flags = SA_SIGINFO};
    sigemptyset(&action.sa_mask);
    if (sigaction(SIGSYS, &action, NULL) != 0)
        return report("serve: catching SIGSYS: %s", strerror(errno));
    return 0;
}

/* The worker's job, if it had one, fails; the others carry on without it
 * (and when none is left, pool_submit() fails every job at once). */
static void stop_worker(struct worker *worker)
{
    struct pool *pool = worker->pool;
    pthread_mutex_lock(&pool->lock);
    pool->live_workers--;
    pthread_mutex_unlock(&pool->lock);
    if (worker->job != NULL) {
        worker->job->outcome = POOL_CRASHED;
        hand_back(worker, worker->job);
    }
}

static void *worker_main(void *arg)
{
    struct worker *worker = arg;
    struct pool *pool = worker->pool;
    this_worker = worker;
    bool ready = make_clone(worker) &&
                 syscall_filter_install(&worker->clone.vm, SYSCALL_FILTER_SERVE_WORKER) == 0;
    count_started(pool, ready);
    if (ready && sigsetjmp(worker->forbidden, 1) != 0)
        stop_worker(worker);
    else if (ready)
        while ((worker->job = next_job(pool)) != NULL)
            serve(worker, worker->job);
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
        worker->number = started + 1;
        core_file_defer(&worker->core);
        pool->starting++;
        int rc = pthread_create(&worker->thread, NULL, worker_main, worker);
        if (rc != 0) {
            pool->starting--;
            report("%s: starting worker %u: %s", pool->snapshot.name, worker->number, strerror(rc));
            break;
        }
        pthread_setname_np(worker->thread, WORKER_THREAD_NAME);
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
        report("%s: out of memory", options->name);
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
    core_writer_stop(pool->cores);
    snapshot_release(&pool->snapshot);
    pthread_mutex_destroy(&pool->lock);
    pthread_cond_destroy(&pool->job_or_close);
    pthread_cond_destroy(&pool->started);
    free(pool);
}

/* Boots the function to READY.  What its constructors write to stdout is
 * taken, then dropped: a refused write would leave stdout's error flag set
 * in every request.  Their stderr goes to the log. */
static int take_snapshot(struct pool *pool, const struct pool_options *options)
{
    struct request_io io;
    request_io_start(&io, options->name, NULL, 0, CONSTRUCTOR_OUTPUT_MAX);
    struct snapshot_options snap = {
        .image_path = options->image_path,
        .image_name = options->image_name,
        .name = options->name,
        .mem_size = options->mem_size,
        .timeout_ms = options->timeout_ms,
        .argc = options->argc,
        .argv = options->argv,
        .io = request_io_guest(&io),
        .cache_dir = options->cache_dir,
    };
    int rc = snapshot_take(&pool->snapshot, &snap);
    request_io_finish(&io);
    free(io.output);
    return rc;
}

/* On the thread that opens the pool, which no filter confines: the
 * writer opens files (core_writer.h). */
static int start_core_writer(struct pool *pool, const struct pool_options *options)
{
    if (options->core_dir == NULL)
        return 0;
    const struct core_writer_options cores = {
        .dir = options->core_dir,
        .image_path = options->image_path,
        .snapshot = &pool->snapshot,
        .program = options->argv[0],
    };
    pool->cores = core_writer_start(&cores);
    return pool->cores != NULL ? 0 : -1;
}

struct pool *pool_open(const struct pool_options *options)
{
    struct pool *pool = pool_alloc(options);
    if (pool == NULL)
        return NULL;
    if (take_snapshot(pool, options) != 0 || start_core_writer(pool, options) != 0 ||
        catch_forbidden_calls() != 0) {
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
    if (pool->live_workers == 0) {
        pthread_mutex_unlock(&pool->lock);
        job->outcome = POOL_FAILED;
        job->done(job);
        return;
    }
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
