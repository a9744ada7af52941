/*
 * A pool's VMs and their worker threads.  Each worker makes its clone on
 * its own thread (the clone's timer signals that thread), is confined,
 * then serves jobs: run, hand the job back, reset the clone while no one
 * waits on it.  A job that crashed, timed out or failed leaves a VM that
 * is not trusted to reset: it is rebuilt from the snapshot instead, once
 * its core, with --dumpcore, is written (core_writer.h).
 *
 * VMs come and go with the load.  A job that finds no idle VM asks for
 * one: the fleet counts it against --max-vms, or the longest idle VM of
 * another pool is evicted for it, or, when the pool has no VM at all, the
 * pool waits in the fleet's list and the next VM to come free is its.  A
 * worker that finishes a job while a pool waits gives its VM over when its
 * own pool can spare it (nothing queued, or another VM) or the wait has
 * gone on for STARVING_MS.  A VM idle for idle_ms leaves.
 */
#include "pool.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <kiln/abi.h>

#include "common/bits.h"
#include "common/clock.h"
#include "common/report.h"
#include "core_writer.h"
#include "latency.h"
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
/* How long a pool with jobs and no VM waits before a busy pool must
 * give up a VM it still has work for. */
#define STARVING_MS 50

#define CONTAINER(ptr, type, member) ((type *)(void *)((char *)(ptr)-offsetof(type, member)))

struct worker {
    struct pool *pool;
    struct fleet_task start; /* the keeper starts its thread */
    struct fleet_link idle;  /* in the fleet's idle list, while idle_now */
    unsigned number;         /* from 1, for messages */
    int64_t asked_ns;        /* when a job asked for it */
    bool idle_now;
    bool evicted; /* told to leave, for another pool's sake */
    bool alive;   /* made and confined */
    bool has_clone;
    uint64_t private_pages; /* counted in its pool's stats */
    struct clone clone;
    struct request_io io;  /* the clone's stdio */
    struct core_file core; /* the clone's deferred core, when the pool writes cores */
    struct pool_job *job;  /* the job it runs, until handed back */
    sigjmp_buf forbidden;  /* where a forbidden system call lands, */
    bool serving;          /* while it serves jobs */
    bool stopping;         /* after one: the calls it makes while stopping fail */
};

/* Everything below the snapshot is guarded by the fleet's lock. */
struct pool {
    struct fleet *fleet;
    char *name;
    struct snapshot snapshot;
    uint64_t timeout_ms;
    uint64_t idle_ms;
    unsigned max_vms;
    struct core_writer *cores; /* NULL: no --dumpcore */
    pthread_cond_t work;       /* a job came, a VM was evicted, or the pool retired */
    struct pool_job *head;
    struct pool_job *tail;
    unsigned queued;
    unsigned vms; /* counted in the fleet: alive and starting */
    unsigned starting;
    unsigned alive;
    unsigned idle;
    unsigned last_number;
    unsigned holds; /* requests, and the route table until retired */
    bool retired;
    bool freeing;
    bool waiting;             /* in the fleet's waiting list */
    struct fleet_link queue;  /* there */
    int64_t waiting_since_ns; /* since when */
    uint64_t shared_bytes;
    struct fleet_task free_task;
    struct pool_stats stats;
    struct latency latency;
};

/* The worker that runs on this thread: the one thing the SIGSYS handler
 * needs that no argument can bring it. */
static _Thread_local struct worker *this_worker;

static void grow(struct pool *pool);

/* What pool_open() made before the pool was counted in the fleet. */
static void pool_destroy(struct pool *pool)
{
    core_writer_stop(pool->cores);
    snapshot_release(&pool->snapshot);
    free(pool->name);
    free(pool);
}

static void pool_free(struct fleet_task *task)
{
    struct pool *pool = CONTAINER(task, struct pool, free_task);
    struct fleet *fleet = pool->fleet;
    pthread_cond_destroy(&pool->work);
    pool_destroy(pool);
    fleet_lock(fleet);
    fleet_pool_gone(fleet);
    fleet_unlock(fleet);
}

/* Locked.  A retired pool goes once no request, job or VM is left. */
static void free_when_done(struct pool *pool)
{
    if (!pool->retired || pool->freeing || pool->holds > 0 || pool->vms > 0 || pool->head != NULL)
        return;
    pool->freeing = true;
    pool->free_task.run = pool_free;
    fleet_run(pool->fleet, &pool->free_task);
}

/* Locked: the jobs queued, taken out to fail. */
static struct pool_job *take_queue(struct pool *pool)
{
    struct pool_job *jobs = pool->head;
    pool->head = pool->tail = NULL;
    pool->queued = 0;
    return jobs;
}

static void fail_jobs(struct pool_job *jobs)
{
    while (jobs != NULL) {
        struct pool_job *next = jobs->next;
        jobs->outcome = POOL_FAILED;
        jobs->done(jobs);
        jobs = next;
    }
}

static void start_thread(struct fleet_task *task);

/* Locked: a VM counted in the fleet becomes the pool's, started by the
 * keeper.  False when out of memory (reported; the count is returned). */
static bool add_worker(struct pool *pool)
{
    struct worker *worker = calloc(1, sizeof *worker);
    if (worker == NULL) {
        report("%s: out of memory for a VM", pool->name);
        fleet_return_vm(pool->fleet);
        return false;
    }
    worker->pool = pool;
    worker->number = ++pool->last_number;
    worker->asked_ns = clock_ns(CLOCK_MONOTONIC);
    worker->start.run = start_thread;
    core_file_defer(&worker->core);
    pool->vms++;
    pool->starting++;
    fleet_run(pool->fleet, &worker->start);
    return true;
}

/* Locked: the VM of a worker leaving goes to the pool that has waited
 * longest for one, or back to the fleet. */
static void pass_vm_on(struct fleet *fleet)
{
    struct fleet_link *first = fleet_waiting_first(fleet);
    if (first == NULL) {
        fleet_return_vm(fleet);
        return;
    }
    struct pool *pool = CONTAINER(first, struct pool, queue);
    fleet_waiting_remove(fleet, first);
    pool->waiting = false;
    add_worker(pool);
}

/* Locked: the longest idle VM of another pool is told to leave; it counts
 * against --max-vms until it is gone, and its place then goes to the
 * pools waiting (pass_vm_on()).  False when every VM is busy or pool's
 * own. */
static bool evict_one(struct pool *pool)
{
    struct fleet *fleet = pool->fleet;
    for (struct fleet_link *link = fleet_idle_first(fleet); link != NULL;
         link = fleet_idle_next(fleet, link)) {
        struct worker *victim = CONTAINER(link, struct worker, idle);
        if (victim->pool == pool)
            continue;
        fleet_idle_remove(fleet, link);
        victim->idle_now = false;
        victim->evicted = true;
        victim->pool->idle--;
        pthread_cond_broadcast(&victim->pool->work);
        return true;
    }
    return false;
}

static void wait_for_vm(struct pool *pool)
{
    pool->waiting = true;
    pool->waiting_since_ns = clock_ns(CLOCK_MONOTONIC);
    fleet_waiting_add(pool->fleet, &pool->queue);
}

/* Locked: one more VM for the pool's queue, if it may have one: now, or
 * once an evicted VM is gone, or (for a pool with none) once any is. */
static void grow(struct pool *pool)
{
    if (pool->vms >= pool->max_vms || pool->waiting)
        return;
    if (fleet_take_vm(pool->fleet))
        add_worker(pool);
    else if (evict_one(pool) || pool->vms == 0)
        wait_for_vm(pool);
}

/* Locked: whether a worker of pool, between jobs, gives its VM to a pool
 * that has none (one that evicted a VM has its VM coming). */
static bool should_give_way(const struct pool *pool)
{
    struct fleet_link *first = fleet_waiting_first(pool->fleet);
    if (first == NULL)
        return false;
    const struct pool *waiting = CONTAINER(first, struct pool, queue);
    if (waiting->vms > 0)
        return false;
    return pool->head == NULL || pool->vms > 1 ||
           clock_ns(CLOCK_MONOTONIC) - waiting->waiting_since_ns > STARVING_MS * NS_PER_MS;
}

static void stop_idling(struct worker *worker)
{
    if (!worker->idle_now)
        return;
    fleet_idle_remove(worker->pool->fleet, &worker->idle);
    worker->pool->idle--;
    worker->idle_now = false;
}

static void start_idling(struct worker *worker, struct timespec *deadline)
{
    struct pool *pool = worker->pool;
    fleet_idle_add(pool->fleet, &worker->idle);
    pool->idle++;
    worker->idle_now = true;
    clock_gettime(CLOCK_MONOTONIC, deadline);
    deadline->tv_sec += (time_t)(pool->idle_ms / MS_PER_S);
    deadline->tv_nsec += (long)(pool->idle_ms % MS_PER_S * NS_PER_MS);
    if (deadline->tv_nsec >= NS_PER_S) {
        deadline->tv_sec++;
        deadline->tv_nsec -= NS_PER_S;
    }
}

/* The next job, or NULL when the worker's VM is to leave: evicted, given
 * way, idle too long, or its pool retired with nothing queued. */
static struct pool_job *next_job(struct worker *worker)
{
    struct pool *pool = worker->pool;
    struct pool_job *job = NULL;
    struct timespec deadline;
    bool timed_out = false;
    fleet_lock(pool->fleet);
    while (!worker->evicted && !should_give_way(pool)) {
        if (pool->head != NULL) {
            stop_idling(worker);
            job = pool->head;
            pool->head = job->next;
            if (pool->head == NULL)
                pool->tail = NULL;
            pool->queued--;
            break;
        }
        if (pool->retired || timed_out)
            break;
        if (!worker->idle_now)
            start_idling(worker, &deadline);
        if (pool->idle_ms == 0)
            pthread_cond_wait(&pool->work, fleet_mutex(pool->fleet));
        else
            timed_out = pthread_cond_timedwait(&pool->work, fleet_mutex(pool->fleet), &deadline) ==
                        ETIMEDOUT;
    }
    stop_idling(worker);
    if (job == NULL && timed_out && pool->vms == 1 && !pool->retired)
        report("%s: no request in %" PRIu64 " s; its last VM is given back", pool->name,
               (uint64_t)(pool->idle_ms / MS_PER_S));
    fleet_unlock(pool->fleet);
    return job;
}

/* Locked: the pool's count of private bytes follows the worker's VM. */
static void follow_private_pages(struct worker *worker, uint64_t pages)
{
    struct pool_stats *stats = &worker->pool->stats;
    stats->private_bytes -= worker->private_pages * KILN_PAGE_SIZE;
    stats->private_bytes += pages * KILN_PAGE_SIZE;
    worker->private_pages = pages;
}

/* The worker's VM is gone (or never came): the fleet's count passes on,
 * and a pool left with jobs and no VM asks again, unless its VMs cannot
 * be made: then its jobs fail. */
static void leave(struct worker *worker)
{
    struct pool *pool = worker->pool;
    struct pool_job *failed = NULL;
    if (worker->has_clone)
        clone_destroy(&worker->clone);
    fleet_lock(pool->fleet);
    pool->alive -= worker->alive;
    follow_private_pages(worker, 0);
    pool->vms--;
    pass_vm_on(pool->fleet);
    if (pool->head != NULL && pool->vms == 0) {
        if (worker->alive)
            grow(pool);
        else
            failed = take_queue(pool);
    }
    free_when_done(pool);
    fleet_unlock(pool->fleet);
    fail_jobs(failed);
    free(worker);
}

static void count_reset(struct worker *worker, int64_t ns, long pages)
{
    struct pool *pool = worker->pool;
    fleet_lock(pool->fleet);
    pool->stats.resets++;
    pool->stats.reset_ns += (uint64_t)ns;
    pool->stats.reset_pages += (uint64_t)pages;
    follow_private_pages(worker, worker->clone.private_pages);
    fleet_unlock(pool->fleet);
}

/* The rebuilt VM starts with no page of its own. */
static void count_rebuild(struct worker *worker)
{
    struct pool *pool = worker->pool;
    fleet_lock(pool->fleet);
    pool->stats.rebuilds++;
    follow_private_pages(worker, 0);
    fleet_unlock(pool->fleet);
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
    count_rebuild(worker);
}

/* Hands the job back; from then on it is the caller's. */
static void hand_back(struct worker *worker, struct pool_job *job)
{
    struct pool *pool = worker->pool;
    int64_t ns = clock_ns(CLOCK_MONOTONIC) - job->queued_ns;
    fleet_lock(pool->fleet);
    pool->stats.jobs++;
    latency_record(&pool->latency, (uint64_t)(ns > 0 ? ns : 0) / NS_PER_US);
    fleet_unlock(pool->fleet);
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
            count_reset(worker, clock_ns(CLOCK_MONOTONIC) - start, pages);
    }
    if (!sound)
        rebuild(worker);
}

/* A system call outside the worker's filter: the worker may be in a
 * guest's hands.  It says so in one line and its VM leaves; its job fails
 * as a crash does.  While it stops, or once it leaves, a forbidden call
 * just fails (ENOSYS).  The signal comes from the worker's own call,
 * never from inside report(), whose one write the filter allows. */
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
           worker->pool->name, worker->number, info->si_syscall);
    if (worker->serving)
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

/* The worker made its VM and was confined, or failed to. */
static void count_started(struct worker *worker, bool ok)
{
    struct pool *pool = worker->pool;
    fleet_lock(pool->fleet);
    pool->starting--;
    worker->alive = ok;
    pool->alive += ok;
    pool->stats.cold_starts += ok;
    fleet_unlock(pool->fleet);
}

static void *worker_main(void *arg)
{
    struct worker *worker = arg;
    struct pool *pool = worker->pool;
    this_worker = worker;
    int64_t started = clock_ns(CLOCK_MONOTONIC);
    bool ok = make_clone(worker);
    int64_t made = clock_ns(CLOCK_MONOTONIC);
    ok = ok && syscall_filter_install(&worker->clone.vm, SYSCALL_FILTER_SERVE_WORKER) == 0;
    int64_t confined = clock_ns(CLOCK_MONOTONIC);
    count_started(worker, ok);
    if (ok)
        report("%s: VM %u made in %.0f us (thread start %.0f us, clone %.0f us, seccomp %.0f us)",
               pool->name, worker->number, (double)(confined - worker->asked_ns) / NS_PER_US,
               (double)(started - worker->asked_ns) / NS_PER_US,
               (double)(made - started) / NS_PER_US, (double)(confined - made) / NS_PER_US);
    worker->serving = ok;
    if (ok && sigsetjmp(worker->forbidden, 1) == 0) {
        struct pool_job *job;
        while ((job = next_job(worker)) != NULL) {
            worker->job = job;
            serve(worker, job);
        }
    } else if (ok && worker->job != NULL) {
        worker->job->outcome = POOL_CRASHED;
        hand_back(worker, worker->job);
    }
    worker->serving = false;
    leave(worker);
    return NULL;
}

/* On the keeper's thread, which no filter confines. */
static void start_thread(struct fleet_task *task)
{
    struct worker *worker = CONTAINER(task, struct worker, start);
    pthread_attr_t attr;
    pthread_t thread;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    int rc = pthread_create(&thread, &attr, worker_main, worker);
    pthread_attr_destroy(&attr);
    if (rc == 0) {
        pthread_setname_np(thread, WORKER_THREAD_NAME);
        return;
    }
    report("%s: starting VM worker %u: %s", worker->pool->name, worker->number, strerror(rc));
    count_started(worker, false);
    leave(worker);
}

/* Boots the function to READY, or maps its snapshot from the cache.  What
 * its constructors write to stdout is taken, then dropped: a refused write
 * would leave stdout's error flag set in every request.  Their stderr
 * goes to the log. */
static int take_snapshot(struct pool *pool, const struct pool_options *options)
{
    struct request_io io;
    request_io_start(&io, options->name, NULL, 0, CONSTRUCTOR_OUTPUT_MAX);
    struct snapshot_options snap = {
        .image_path = options->image_path,
        .image_name = options->image_name,
        .name = pool->name,
        .mem_size = options->mem_size,
        .timeout_ms = options->timeout_ms,
        .argc = options->argc,
        .argv = options->argv,
        .io = request_io_guest(&io),
        .cache_dir = options->cache_dir,
        .kvm_fd = options->kvm_fd,
        .cpuid = options->cpuid,
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

static uint64_t snapshot_bytes(const struct snapshot *snap)
{
    uint64_t pages = 0;
    for (uint64_t i = 0; i < bitmap_words(snap->mem_size / KILN_PAGE_SIZE); i++)
        pages += (uint64_t)__builtin_popcountll(snap->present[i]);
    return pages * KILN_PAGE_SIZE;
}

struct pool *pool_open(const struct pool_options *options)
{
    struct pool *pool = calloc(1, sizeof *pool);
    char *name = strdup(options->name);
    if (pool == NULL || name == NULL) {
        report("%s: out of memory", options->name);
        free(pool);
        free(name);
        return NULL;
    }
    *pool = (struct pool){
        .fleet = options->fleet,
        .name = name,
        .timeout_ms = options->timeout_ms,
        .idle_ms = options->idle_ms,
        .max_vms = options->max_vms,
        .holds = 1,
    };
    if (take_snapshot(pool, options) != 0 || start_core_writer(pool, options) != 0 ||
        catch_forbidden_calls() != 0) {
        pool_destroy(pool);
        return NULL;
    }
    pool->shared_bytes = snapshot_bytes(&pool->snapshot);
    pthread_condattr_t monotonic;
    pthread_condattr_init(&monotonic);
    pthread_condattr_setclock(&monotonic, CLOCK_MONOTONIC);
    pthread_cond_init(&pool->work, &monotonic);
    pthread_condattr_destroy(&monotonic);
    fleet_lock(pool->fleet);
    fleet_pool_opened(pool->fleet);
    fleet_unlock(pool->fleet);
    return pool;
}

bool pool_from_cache(const struct pool *pool)
{
    return pool->snapshot.from_cache;
}

void pool_submit(struct pool *pool, struct pool_job *job)
{
    job->next = NULL;
    job->queued_ns = clock_ns(CLOCK_MONOTONIC);
    fleet_lock(pool->fleet);
    if (pool->tail != NULL)
        pool->tail->next = job;
    else
        pool->head = job;
    pool->tail = job;
    pool->queued++;
    if (pool->idle > 0)
        pthread_cond_signal(&pool->work);
    if (pool->queued > pool->idle + pool->starting)
        grow(pool);
    fleet_unlock(pool->fleet);
}

void pool_stats(struct pool *pool, struct pool_stats *stats)
{
    fleet_lock(pool->fleet);
    *stats = pool->stats;
    stats->vms = pool->alive;
    stats->p50_us = latency_percentile(&pool->latency, 50);
    stats->p99_us = latency_percentile(&pool->latency, 99);
    stats->shared_bytes = pool->shared_bytes;
    fleet_unlock(pool->fleet);
}

void pool_hold(struct pool *pool)
{
    fleet_lock(pool->fleet);
    pool->holds++;
    fleet_unlock(pool->fleet);
}

void pool_put(struct pool *pool)
{
    fleet_lock(pool->fleet);
    pool->holds--;
    free_when_done(pool);
    fleet_unlock(pool->fleet);
}

void pool_retire(struct pool *pool)
{
    fleet_lock(pool->fleet);
    pool->retired = true;
    pthread_cond_broadcast(&pool->work);
    pool->holds--;
    free_when_done(pool);
    fleet_unlock(pool->fleet);
}
