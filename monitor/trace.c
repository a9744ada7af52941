#include "trace.h"

#include <linux/kvm.h>
#include <time.h>

#include "common/clock.h"
#include "common/report.h"

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

void trace_print(const struct trace *trace, const char *name, const char *(*call_name)(uint64_t))
{
    if (trace == NULL)
        return;
    struct report_text text;
    report_text_start(&text, "%s: boot trace, microseconds", name);
    report_text_add(&text, "\n  %-34s %9.1f (CPU time)\n", "process start-up to the monitor",
                    (double)trace->startup_cpu_ns / 1000);
    for (int p = 0; p < TRACE_PHASES; p++)
        report_text_add(&text, "  %-34s %9.1f\n", phase_names[p],
                        (double)trace->phase_ns[p] / 1000);
    report_text_add(&text, "  %-34s %9.1f\n", "total in the monitor",
                    (double)(trace->last_ns - trace->started_ns) / 1000);
    uint32_t total = 0;
    for (int r = 0; r < TRACE_EXIT_REASONS; r++)
        total += trace->exits[r];
    report_text_add(&text, "  exits: %u", total);
    for (int c = 0; c < KILN_HC_COUNT; c++)
        if (trace->hypercalls[c])
            report_text_add(&text, ", %s %u", call_name((uint64_t)c), trace->hypercalls[c]);
    for (int r = 0; r < TRACE_EXIT_REASONS; r++)
        if (trace->exits[r] && r != KVM_EXIT_MMIO)
            report_text_add(&text, ", KVM exit reason %d: %u", r, trace->exits[r]);
    report_text_write(&text);
}
