/*
 * kiln test's runner: every test looked up in the build and result caches
 * (each child taking a share of the tests), those not found built (a
 * child each), then every test that must run booted in a VM of its own,
 * in a child process, at most jobs at once.  Children
 * write what they found into the suite's shared pages; their stdout and
 * stderr go to memory files the parent reads.  A crash of one test's
 * monitor is that test's failure, never the suite's.
 */
#ifndef KILN_SUITE_H
#define KILN_SUITE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/content_hash.h"
#include "options.h"
#include "suite_jobs.h"

enum test_verdict {
    TEST_PASS,
    TEST_FAIL,
    TEST_SKIP,
    TEST_CACHED,
    TEST_FLAKY,
};

/* One test, from its name to its verdict.  The fields up to the verdict
 * are written by children, in pages the suite shares with them. */
struct test_case {
    const char *name;   /* as given */
    bool linux_program; /* a Linux program, built with --elf's rules; else a .c file or an image */
    bool prepared;      /* its image is known (built, or an image file) */
    bool keyed;         /* key names its result (no read-write volume) */
    bool cached;        /* a pass under key was recorded */
    char image[PATH_MAX];
    struct content_hash image_hash;
    struct content_hash key;
    uint64_t cached_ns; /* how long the recorded pass took */

    enum test_verdict verdict;
    char reason[128]; /* why it failed or skipped: "exit status 3", "crashed" */
    bool error;       /* the failure is the run's (a crash, a timeout), not an exit status */
    uint64_t ns;      /* its runs' time, all together (its build's, when that failed) */
    unsigned runs;
    unsigned passed_runs;
    unsigned failed_runs;
    struct job_output out, err; /* of the run the report shows */
};

/* A whole suite: what the command line said, and the tests in the order
 * given. */
struct test_suite {
    const struct test_args *args;
    const char *cache_dir;
    struct content_hash inputs; /* argv, environment, volumes and memory: the same for every test */
    bool inputs_keyed;          /* no read-write volume */
    struct content_hash runtime_hash; /* builder_runtime_hash's, when runtime_hashed */
    bool runtime_hashed;
    struct test_case *cases; /* shared with the children */
    size_t count;
    unsigned jobs;
};

/* Sets the suite up for args's tests that are in its shard, in order.
 * Returns 0, or -1 (reported): kiln cannot run the suite. */
int suite_start(struct test_suite *suite, const struct test_args *args, const char *cache_dir);

/* Prepares and runs every test, calling done for each in order as soon as
 * it and every test before it have their verdict.  Returns 0, or -1
 * (reported) when kiln could not run the suite. */
int suite_run(struct test_suite *suite, void (*done)(const struct test_case *test, void *context),
              void *context);

void suite_free(struct test_suite *suite);

#endif
