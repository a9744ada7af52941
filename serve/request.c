#include "request.h"

#include <string.h>
#include <x86intrin.h>

#include <kiln/abi.h>

#include "common/report.h"
#include "monitor/boot_info.h"
#include "monitor/exits.h"
#include "monitor/timeout.h"

/* The environment as struct kiln_hc_ready lays it out: pointers, NULL,
 * then the strings; 0 if it does not fit the snapshot's block. */
static uint64_t environment_size(const struct snapshot *snap, char *const *env)
{
    uint64_t size = sizeof(uint64_t);
    for (char *const *var = env; *var != NULL; var++)
        size += sizeof(uint64_t) + strlen(*var) + 1;
    return size <= snap->env_size ? size : 0;
}

static void write_environment(struct clone *clone, char *const *env, uint64_t size)
{
    const struct snapshot *snap = clone->snapshot;
    uint64_t *pointers = guest_mem_for_write(&clone->vm.mem, snap->env_block, size);
    size_t count = 0;
    while (env[count] != NULL)
        count++;
    uint64_t at = (count + 1) * sizeof(uint64_t);
    for (size_t i = 0; i < count; i++) {
        size_t len = strlen(env[i]) + 1;
        memcpy((uint8_t *)pointers + at, env[i], len);
        pointers[i] = snap->env_block + at;
        at += len;
    }
    pointers[count] = 0;
}

/* READY returns 0 and the guest's clocks start now. */
static void answer_ready(struct clone *clone)
{
    struct kiln_hc_ready *args =
        guest_mem_for_write(&clone->vm.mem, clone->snapshot->ready_args, sizeof *args);
    args->result = 0;
    boot_info_set_clocks(&clone->vm.mem, __rdtsc() + (uint64_t)clone->tsc_offset);
}

static enum pool_outcome outcome_of(const struct vm *vm, const struct request_io *io)
{
    switch (vm->result.outcome) {
    case MONITOR_EXITED:
        return io->output_overflowed ? POOL_OUTPUT_TOO_LARGE : POOL_ANSWERED;
    case MONITOR_CRASHED:
        return POOL_CRASHED;
    case MONITOR_TIMED_OUT:
    case MONITOR_STUCK:
        return POOL_TIMED_OUT;
    case MONITOR_FAILED:
        break;
    }
    return POOL_FAILED;
}

static void run_function(struct clone *clone, struct request_io *io, struct pool_job *job)
{
    struct vm *vm = &clone->vm;
    request_io_start(io, job->name, job->body, job->body_size, POOL_OUTPUT_MAX);
    vm->name = job->name;
    if (timeout_start(vm) == 0)
        exits_run(vm);
    timeout_cancel(vm);
    request_io_finish(io);
    vm->name = clone->snapshot->name; /* the job's name goes with the job */
    job->outcome = outcome_of(vm, io);
    job->exit_status = vm->result.status;
    job->output = io->output;
    job->output_size = io->output_size;
    if (job->outcome == POOL_OUTPUT_TOO_LARGE)
        report("%s: the function wrote more than %u bytes to stdout", job->name, POOL_OUTPUT_MAX);
}

void request_run(struct clone *clone, struct request_io *io, struct pool_job *job)
{
    uint64_t env_size = environment_size(clone->snapshot, job->env);
    job->output = NULL;
    job->output_size = 0;
    job->exit_status = 0;
    if (env_size == 0) {
        job->outcome = POOL_ENV_TOO_LARGE;
        return;
    }
    write_environment(clone, job->env, env_size);
    answer_ready(clone);
    run_function(clone, io, job);
}
