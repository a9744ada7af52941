/*
 * The monitor's face to kiln serve: the VMs of one function, each with
 * its own worker thread, all cloned from the function's snapshot at READY,
 * just before main (a cache entry, monitor/snapshot.h).  A pool opens with
 * no VM.  A job (one request) goes to an idle VM of the pool; without one,
 * the pool grows by a VM made from the snapshot on the job's path (a cold
 * start), up to max_vms and as the fleet allows (fleet.h).  After a job
 * the VM is reset to the snapshot (or rebuilt, if the job failed); a VM
 * idle for idle_ms is given back.
 */
#ifndef KILN_POOL_H
#define KILN_POOL_H

#include <linux/kvm.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fleet.h"

/* The most a function may write to stdout for one request. */
#define POOL_OUTPUT_MAX (16u << 20)

struct pool_options {
    const char *image_path;
    const char *image_name; /* what messages about the image call it */
    const char *name;       /* the route, for messages; must outlive the pool */
    uint64_t mem_size;      /* bytes of guest RAM per VM; 0: the image's default */
    uint64_t timeout_ms;    /* per job, and for start-up; 0: none */
    unsigned max_vms;       /* --workers: the most VMs the pool grows to */
    uint64_t idle_ms;       /* a VM idle this long is given back; 0: never */
    int argc;               /* the function's argv, the same for every job */
    char *const *argv;
    const char *cache_dir; /* the caches (boot, CPUID, seccomp) to use; NULL: none */
    const char *core_dir;  /* where a crashed job's core goes (core_writer.h); NULL: none */
    struct fleet *fleet;
    int kvm_fd;                     /* /dev/kvm, shared by every pool */
    const struct kvm_cpuid2 *cpuid; /* KVM's CPUID, the same for every VM */
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

    int64_t queued_ns;     /* when it was submitted, for the latency */
    struct pool_job *next; /* the pool's queue */
};

struct pool_stats {
    uint64_t vms;  /* alive now */
    uint64_t jobs; /* requests run */
    uint64_t resets;
    uint64_t reset_ns;    /* all resets together */
    uint64_t reset_pages; /* pages copied back, all resets together */
    uint64_t rebuilds;    /* VMs made anew after a failed job */
    uint64_t cold_starts; /* VMs made for a job that found none idle */
    uint64_t p50_us;      /* request latency, queue to answer (latency.h) */
    uint64_t p99_us;
    uint64_t private_bytes; /* the live VMs' own copies of snapshot pages, together */
    uint64_t shared_bytes;  /* the snapshot's pages, shared by all of them */
};

/* Takes the function's snapshot, or maps it from the cache; NULL if that
 * failed (reported).  A worker is confined by its seccomp filter
 * (syscall_filter.h) before its first job; one that makes a forbidden
 * system call says so in the log and stops, failing its job. */
struct pool *pool_open(const struct pool_options *options);

/* Whether the snapshot came from the cache, or was taken now. */
bool pool_from_cache(const struct pool *pool);

/* Queues the job; its done() is called on a worker thread. */
void pool_submit(struct pool *pool, struct pool_job *job);

void pool_stats(struct pool *pool, struct pool_stats *stats);

/* A request's hold on the pool, from finding its route to its answer:
 * a retired pool is freed only once no request holds it. */
void pool_hold(struct pool *pool);
void pool_put(struct pool *pool);

/* Lets the pool go: the jobs queued still run, then its VMs leave, and
 * the fleet's keeper frees it once nothing holds it.  Returns at once. */
void pool_retire(struct pool *pool);

#endif
