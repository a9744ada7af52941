#include "trace.h"

#include <linux/kvm.h>
#include <stdio.h>
#include <time.h>

#include "clock.h"

static const char *const phase_names[TRACE_PHASES] = {
    [TRACE_IMAGE] = "image open and check",
    [TRACE_VM_CREATE] = "KVM open, VM create, RAM reserve",
    [TRACE_VCPU_CREATE] = "vCPU create",
    [TRACE_MEMORY] = "image load and RAM slots",
    [TRACE_LAYOUT] = "memory set-up",
    [TRACE_CPUID] = "CPUID",
    [TRACE_REGISTERS] = "vCPU registers",
    [TRACE_CONFINE] = "cache writes, seccomp filter",
    [TRACE_GUEST] = "guest running (with exit costs)",
    [TRACE_EXITS] = "serving exits",
    [TRACE_TEARDOWN] = "teardown",
};

static const char *const hypercall_names[KILN_HC_COUNT] = {
    [KILN_HC_WRITE] = "WRITE", [KILN_HC_READ] = "READ", [KILN_HC_WALLTIME] = "WALLTIME",
    [KILN_HC_SLEEP] = "SLEEP", [KILN_HC_EXIT] = "EXIT", [KILN_HC_ABORT] = "ABORT",
    [KILN_HC_MEMORY] = "MEMORY",
};

void trace_start(struct trace *trace)
{
    if (trace == NULL)
        return;
    /* exec, the dynamic loader, libraries and argument parsing */
    trace->startup_cpu_ns = clock_ns(CLOCK_PROCESS_CPUTIME_ID);
    trace->started_ns = trace->last_ns = clock_ns(CLOCK_MONOTONIC);
}

void trace_mark(struct trace *trace, enum trace_phase phase)
{
    if (trace == NULL)
        return;
    int64_t now = clock_ns(CLOCK_MONOTONIC);
    trace->phase_ns[phase] += now - trace->last_ns;
    trace->last_ns = now;
}

void trace_exit(struct trace *trace, uint32_t reason, uint64_t mmio_addr)
{
    if (trace == NULL)
        return;
    trace->exits[reason < TRACE_EXIT_REASONS ? reason : 0]++;
    uint64_t call = (mmio_addr - KILN_DOORBELL_GPA) / KILN_DOORBELL_SLOT;
    if (reason == KVM_EXIT_MMIO && mmio_addr >= KILN_DOORBELL_GPA && call < KILN_HC_COUNT)
        trace->hypercalls[call]++;
}

void trace_print(const struct trace *trace, const char *name)
{
    if (trace == NULL)
        return;
    fprintf(stderr, "kiln: %s: boot trace, microseconds\n", name);
    fprintf(stderr, "  %-34s %9.1f (CPU time)\n", "process start-up to the monitor",
            (double)trace->startup_cpu_ns / 1000);
    for (int p = 0; p < TRACE_PHASES; p++)
        fprintf(stderr, "  %-34s %9.1f\n", phase_names[p], (double)trace->phase_ns[p] / 1000);
    fprintf(stderr, "  %-34s %9.1f\n", "total in the monitor",
            (double)(trace->last_ns - trace->started_ns) / 1000);
    uint32_t total = 0;
    for (int r = 0; r < TRACE_EXIT_REASONS; r++)
        total += trace->exits[r];
    fprintf(stderr, "  exits: %u", total);
    for (int c = 0; c < KILN_HC_COUNT; c++)
        if (trace->hypercalls[c])
            fprintf(stderr, ", %s %u", hypercall_names[c], trace->hypercalls[c]);
    for (int r = 0; r < TRACE_EXIT_REASONS; r++)
        if (trace->exits[r] && r != KVM_EXIT_MMIO)
            fprintf(stderr, ", KVM exit reason %d: %u", r, trace->exits[r]);
    fputc('\n', stderr);
}
