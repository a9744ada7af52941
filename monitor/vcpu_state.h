/*
 * Everything of a vCPU a guest can change, even one that took over its
 * ring 0: registers, special registers, FPU/SSE/AVX state (XSAVE: KVM's
 * FPU calls lose MXCSR), XCR0, debug registers, pending events and the
 * MSRs the monitor knows the guest may write.  kiln serve saves it once at
 * the snapshot and loads it into every clone at every reset.  Each vCPU
 * ioctl costs about 5 us on PVM (vcpu_load reads host MSRs), so a reset
 * makes as few as it can.
 */
#ifndef KILN_VCPU_STATE_H
#define KILN_VCPU_STATE_H

#include <linux/kvm.h>
#include <stddef.h>

#include "vm.h"

#define VCPU_STATE_MSRS 10

struct vcpu_state {
    struct kvm_regs regs;
    struct kvm_sregs sregs;
    struct kvm_xcrs xcrs;
    struct kvm_debugregs debugregs;
    struct kvm_vcpu_events events;
    struct {
        struct kvm_msrs header;
        struct kvm_msr_entry entries[VCPU_STATE_MSRS];
    } msrs;
    struct kvm_xsave *xsave; /* malloc'd: KVM_CAP_XSAVE2 may make it larger */
    size_t xsave_size;
};

/* Reads the stopped vCPU's state.  A vCPU stopped at an exit has not yet
 * finished the exiting instruction, so it is completed first (a KVM_RUN
 * with immediate_exit) lest every load re-run it.  Reports failures. */
int vcpu_state_save(const struct vm *vm, struct vcpu_state *state);

/* Loads all of it; reports failures, KVM without KVM_CAP_SYNC_REGS too. */
int vcpu_state_load(const struct vm *vm, const struct vcpu_state *state);

/* Loads only what ring-3 code can change: registers, special registers
 * and pending events (through kvm_run's sync area, applied by the next
 * KVM_RUN: no ioctl) and the FPU/SSE state.  XCR0, debug registers and
 * MSRs change only at ring 0. */
int vcpu_state_load_user(const struct vm *vm, const struct vcpu_state *state);

void vcpu_state_free(struct vcpu_state *state);

#endif
