#include "suite_jobs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/report.h"

/* The report shows this much of each stream of a job, its end: where a
 * failure says why. */
#define OUTPUT_SHOWN_MAX (64 * 1024)

/* The child's stdout and stderr go to the job's memory files, its stdin
 * is an empty one: jobs side by side cannot share a terminal. */
static void child_streams(const struct suite_jobs *jobs, const struct suite_job *job)
{
    if (jobs->keep_streams)
        return;
    int empty = memfd_create("kiln-test-stdin", MFD_CLOEXEC);
    if (empty < 0 || dup2(empty, STDIN_FILENO) < 0 || dup2(job->out_fd, STDOUT_FILENO) < 0 ||
        dup2(job->err_fd, STDERR_FILENO) < 0)
        _exit(EXIT_FAILURE);
}

static int open_output(struct suite_job *job)
{
    job->out_fd = memfd_create("kiln-test-stdout", MFD_CLOEXEC);
    job->err_fd = memfd_create("kiln-test-stderr", MFD_CLOEXEC);
    if (job->out_fd >= 0 && job->err_fd >= 0)
        return 0;
    report_errno("test", "memfd_create");
    if (job->out_fd >= 0)
        close(job->out_fd);
    return -1;
}

static int start_job(const struct suite_jobs *jobs, struct suite_job *job, size_t index)
{
    job->index = index;
    if (open_output(job) < 0)
        return -1;
    fflush(NULL); /* else the child could write the parent's pending lines again */
    job->started_ns = clock_ns(CLOCK_MONOTONIC);
    job->pid = fork();
    if (job->pid < 0) {
        close(job->out_fd);
        close(job->err_fd);
        return report_errno("test", "fork");
    }
    if (job->pid == 0) {
        child_streams(jobs, job);
        jobs->child(jobs->context, index);
        _exit(EXIT_FAILURE);
    }
    return 0;
}

static void finish_job(const struct suite_jobs *jobs, struct suite_job *job, int status)
{
    if (jobs->finished != NULL)
        jobs->finished(jobs->context, job, status);
    close(job->out_fd);
    close(job->err_fd);
}

int suite_jobs_run(const struct suite_jobs *jobs)
{
    struct suite_job *running = calloc(jobs->width, sizeof *running);
    if (running == NULL)
        return report("test: out of memory");
    unsigned count = 0;
    size_t next = 0;
    int rc = 0;
    for (;;) {
        while (rc == 0 && count < jobs->width && next < jobs->count) {
            size_t index = next++;
            if ((jobs->wanted == NULL || jobs->wanted(jobs->context, index)) &&
                (rc = start_job(jobs, &running[count], index)) == 0)
                count++;
        }
        if (count == 0)
            break;
        int status;
        pid_t pid = waitpid(-1, &status, 0);
        if (pid < 0) {
            if (errno == EINTR)
                continue;
            rc = report_errno("test", "waitpid");
            break;
        }
        for (unsigned i = 0; i < count; i++) {
            if (running[i].pid == pid) {
                finish_job(jobs, &running[i], status);
                running[i] = running[--count];
                break;
            }
        }
    }
    free(running);
    return rc;
}

void suite_job_output(int fd, struct job_output *output)
{
    free(output->bytes);
    *output = (struct job_output){0};
    off_t size = lseek(fd, 0, SEEK_END);
    if (size <= 0)
        return;
    size_t shown = (size_t)size < OUTPUT_SHOWN_MAX ? (size_t)size : OUTPUT_SHOWN_MAX;
    output->bytes = malloc(shown);
    if (output->bytes == NULL)
        return;
    ssize_t got = pread(fd, output->bytes, shown, size - (off_t)shown);
    output->size = got > 0 ? (size_t)got : 0;
    output->cut = (size_t)size - output->size;
}
