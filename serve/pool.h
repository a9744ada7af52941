/*
 * The monitor's face to kiln serve: a pool of VMs for one image, each
 * with its own worker thread, all cloned from one snapshot taken where
 * the image's runtime makes READY, just before main.  A job (one request)
 * goes to the next free worker, runs on a VM that is pristine, and the
 * VM is reset to the snapshot after it (or rebuilt, if the job failed).
 * No VM is made on a job's path once the pool is open.
 */
#ifndef KILN_POOL_H
#define KILN_POOL_H

#include <stddef.h>
#include <stdint.h>

/* The most a function may write to stdout for one request. */
#define POOL_OUTPUT_MAX (16u << 20)

struct pool_options {
    const char *image_path;
    const char *image_name; /* what messages about the image call it */
    const char *name;       /* the route, for messages; must outlive the pool */
    uint64_t mem_size;      /* bytes of guest RAM per VM; 0: the image's default */
    uint64_t timeout_ms;    /* per job, and for start-up; 0: none */
    unsigned workers;
    int argc; /* the function's argv, the same for every job */
    char *const *argv;
    const char *cache_dir; /* the caches (boot, CPUID, seccomp) to use; NULL: none */
    const char *core_dir;  /* where a crashed job's core goes (core_writer.h); NULL: none */
};

enum pool_outcome {
    POOL_ANSWERED,         /* the function exited: output and exit_status hold its answer */
    POOL_CRASHED,          /* it faulted or aborted (logged, and its core written) */
    POOL_TIMED_OUT,        /* it ran past timeout_ms and was stopped (the same) */
    POOL_ENV_TOO_LARGE,    /* the environment did not fit the function's block; not run */
    POOL_OUTPUT_TOO_LARGE, /* it wrote more than POOL_OUTPUT_MAX to stdout */
    POOL_FAILED,           /* kiln could not run it (logged) */
};

struct pool_job {
    char *const *env; /* NULL-terminated "NAME=VALUE" */
    const uint8_t *body;
    size_t body_size;
    const char *name; /* for its log lines: route and request id */
    /* Called on a worker thread once the results are in; the job is the
     * caller's again from then on. */
    void (*done)(struct pool_job *job);

    enum pool_outcome outcome;
    int exit_status;
    uint8_t *output; /* malloc'd stdout, for the caller to free */
    size_t output_size;

    struct pool_job *next; /* the pool's queue */
};

struct pool_stats {
    uint64_t jobs;
    uint64_t resets;
    uint64_t reset_ns;    /* all resets together */
    uint64_t reset_pages; /* pages copied back, all resets together */
    uint64_t rebuilds;    /* VMs made anew after a failed job */
};

/* Snapshots the image and starts the workers, each with its VM ready and
 * confined by its seccomp filter (syscall_filter.h); NULL if that failed
 * (reported).  A worker that makes a forbidden system call says so in the
 * log and stops, failing its job. */
struct pool *pool_open(const struct pool_options *options);

void pool_submit(struct pool *pool, struct pool_job *job);

void pool_stats(struct pool *pool, struct pool_stats *stats);

/* Runs every job submitted, then stops the workers and frees the pool. */
void pool_close(struct pool *pool);

#endif
