/*
 * The vCPU's starting state: long mode, ring 3, at the image's entry, with
 * SYSCALL wired to the image's ring-0 entry.  No guest boot code runs.
 */
#ifndef KILN_CPU_H
#define KILN_CPU_H

#include <stdint.h>

#include "vm.h"

struct cpu_start {
    uint64_t cr3;           /* top-level page table */
    uint64_t entry;         /* first instruction, at ring 3 */
    uint64_t rsp;           /* the initial stack */
    uint64_t syscall_entry; /* LSTAR */
};

/* Sets special registers, MSRs and registers, in the order KVM checks
 * them, on a vCPU whose CPUID is set (vm_create()).  Reports failures. */
int cpu_setup(struct vm *vm, const struct cpu_start *start);

/* The one RFLAGS bit that is always set: what a program starts with. */
#define RFLAGS_RESERVED (1ull << 1)

/* Ring 3's code and stack segments, where the program runs. */
void cpu_user_segments(struct kvm_sregs *sregs);

/* The guest's TSC now.  Read back rather than set: PVM ignores writes to
 * it and lets ring 3 read the host's counter. */
uint64_t cpu_guest_tsc(const struct vm *vm);

/* The guest TSC's frequency in Hz, or 0 if KVM cannot say. */
uint64_t cpu_tsc_hz(const struct vm *vm);

#endif
