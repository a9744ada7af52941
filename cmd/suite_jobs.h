/*
 * kiln test's children: jobs run side by side, each in a child process
 * (forked, not executed: a child is a copy of kiln test, ready at once),
 * at most width at once, each with its stdout and stderr in memory files
 * the parent reads when it ends, and an empty stdin.
 */
#ifndef KILN_SUITE_JOBS_H
#define KILN_SUITE_JOBS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* The end of what a child wrote on one stream. */
struct job_output {
    char *bytes;
    size_t size;
    size_t cut; /* bytes left out before these */
};

/* A child at work on one job. */
struct suite_job {
    pid_t pid;
    size_t index;
    int out_fd, err_fd; /* its stdout and stderr */
    int64_t started_ns; /* CLOCK_MONOTONIC */
};

struct suite_jobs {
    size_t count;      /* jobs 0 to count - 1, started in that order */
    unsigned width;    /* at most this many at once */
    bool keep_streams; /* the children use kiln's own stdio (kiln test --gdb) */
    void *context;
    bool (*wanted)(void *context, size_t index); /* NULL: every job */
    void (*child)(void *context, size_t index);  /* in the child; ends it with _exit */
    void (*finished)(void *context, const struct suite_job *job, int wait_status); /* or NULL */
};

/* Runs the wanted jobs, calling finished() in the parent as each ends.
 * Returns 0, or -1 (reported) when a child could not be started. */
int suite_jobs_run(const struct suite_jobs *jobs);

/* Reads into output (freeing what it held) the end of what a child wrote
 * to fd, at most 64 KiB of it. */
void suite_job_output(int fd, struct job_output *output);

#endif
