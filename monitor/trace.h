/*
 * --trace-boot: where one run's time goes, printed on stderr at its end.
 * Every function takes a NULL trace and then does nothing, so a plain run
 * pays one comparison per mark.
 */
#ifndef KILN_TRACE_H
#define KILN_TRACE_H

#include <stdint.h>

#include <kiln/abi.h>

enum trace_phase {
    TRACE_IMAGE,       /* open, map and check the image */
    TRACE_VM_CREATE,   /* open /dev/kvm, KVM_CREATE_VM, reserve guest RAM */
    TRACE_VCPU_CREATE, /* KVM_CREATE_VCPU and its shared page */
    TRACE_MEMORY,      /* load the image, KVM_SET_USER_MEMORY_REGION */
    TRACE_LAYOUT,      /* tables, stack, boot info */
    TRACE_CPUID,       /* KVM_GET_SUPPORTED_CPUID, KVM_SET_CPUID2 */
    TRACE_REGISTERS,   /* sregs, MSRs, regs, TSC */
    TRACE_CONFINE,     /* writing the caches, the seccomp filter */
    TRACE_GUEST,       /* inside KVM_RUN */
    TRACE_EXITS,       /* serving exits */
    TRACE_TEARDOWN,    /* closing the VM */
    TRACE_PHASES,
};

#define TRACE_EXIT_REASONS 64

struct trace {
    int64_t last_ns;
    int64_t started_ns;
    int64_t startup_cpu_ns; /* the process's CPU time before trace_start */
    int64_t phase_ns[TRACE_PHASES];
    uint32_t exits[TRACE_EXIT_REASONS]; /* by KVM exit reason */
    uint32_t hypercalls[KILN_HC_COUNT]; /* doorbell exits by call */
};

void trace_start(struct trace *trace);

/* Charges the time since the last mark to phase. */
void trace_mark(struct trace *trace, enum trace_phase phase);

/* Counts one exit; call after serving it. */
void trace_exit(struct trace *trace, uint32_t reason, uint64_t mmio_addr);

/* call_name names a hypercall by number (hypercall_name()), so that the
 * trace needs no table of its own. */
void trace_print(const struct trace *trace, const char *name, const char *(*call_name)(uint64_t));

#endif
