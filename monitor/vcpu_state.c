#include "vcpu_state.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "common/report.h"
#include "msrs.h"

static const uint32_t saved_msrs[VCPU_STATE_MSRS] = {
    MSR_IA32_SYSENTER_CS,
    MSR_IA32_SYSENTER_ESP,
    MSR_IA32_SYSENTER_EIP,
    MSR_IA32_DEBUGCTL,
    MSR_IA32_PAT,
    MSR_STAR,
    MSR_LSTAR,
    MSR_CSTAR,
    MSR_SYSCALL_MASK,
    MSR_KERNEL_GS_BASE,
};

static int finish_exit(const struct vm *vm)
{
    vm->run->immediate_exit = 1;
    int rc = ioctl(vm->vcpu_fd, KVM_RUN, 0);
    vm->run->immediate_exit = 0;
    if (rc == 0 || errno != EINTR)
        return report_errno(vm->name, "completing the last exit");
    return 0;
}

/* KVM_CAP_XSAVE2 gives the size KVM_GET_XSAVE2 fills; without it, the
 * classic 4 KiB struct. */
static int alloc_xsave(const struct vm *vm, struct vcpu_state *state, unsigned long *request)
{
    int size = ioctl(vm->vm_fd, KVM_CHECK_EXTENSION, KVM_CAP_XSAVE2);
    size_t bytes = sizeof *state->xsave;
    *request = KVM_GET_XSAVE;
    if (size > 0) {
        *request = KVM_GET_XSAVE2;
        if ((size_t)size > bytes)
            bytes = (size_t)size;
    }
    state->xsave = calloc(1, bytes);
    if (state->xsave == NULL)
        return report_errno(vm->name, "allocating the XSAVE area");
    state->xsave_size = bytes;
    return 0;
}

/* KVM_GET_MSRS and KVM_SET_MSRS stop at the first MSR they refuse. */
static int msrs_ioctl(const struct vm *vm, unsigned long request, const char *what, void *msrs)
{
    int done = ioctl(vm->vcpu_fd, request, msrs);
    if (done == VCPU_STATE_MSRS)
        return 0;
    if (done < 0)
        return report_errno(vm->name, what);
    return report("%s: %s: KVM refused MSR 0x%x", vm->name, what, saved_msrs[done]);
}

static int save_msrs(const struct vm *vm, struct vcpu_state *state)
{
    state->msrs.header.nmsrs = VCPU_STATE_MSRS;
    for (int i = 0; i < VCPU_STATE_MSRS; i++)
        state->msrs.entries[i] = (struct kvm_msr_entry){.index = saved_msrs[i]};
    return msrs_ioctl(vm, KVM_GET_MSRS, "KVM_GET_MSRS", &state->msrs);
}

/* KVM reports no NMI as pending; the flag makes a load clear one too. */
static int save_events(const struct vm *vm, struct vcpu_state *state)
{
    if (ioctl(vm->vcpu_fd, KVM_GET_VCPU_EVENTS, &state->events) != 0)
        return report_errno(vm->name, "KVM_GET_VCPU_EVENTS");
    state->events.flags |= KVM_VCPUEVENT_VALID_NMI_PENDING;
    return 0;
}

int vcpu_state_save(const struct vm *vm, struct vcpu_state *state)
{
    unsigned long get_xsave;
    *state = (struct vcpu_state){0};
    if (finish_exit(vm) != 0 || alloc_xsave(vm, state, &get_xsave) != 0)
        return -1;
    if (ioctl(vm->vcpu_fd, KVM_GET_REGS, &state->regs) != 0)
        return report_errno(vm->name, "KVM_GET_REGS");
    if (ioctl(vm->vcpu_fd, KVM_GET_SREGS, &state->sregs) != 0)
        return report_errno(vm->name, "KVM_GET_SREGS");
    if (ioctl(vm->vcpu_fd, get_xsave, state->xsave) != 0)
        return report_errno(vm->name, "KVM_GET_XSAVE");
    if (ioctl(vm->vcpu_fd, KVM_GET_XCRS, &state->xcrs) != 0)
        return report_errno(vm->name, "KVM_GET_XCRS");
    if (ioctl(vm->vcpu_fd, KVM_GET_DEBUGREGS, &state->debugregs) != 0)
        return report_errno(vm->name, "KVM_GET_DEBUGREGS");
    if (save_events(vm, state) != 0)
        return -1;
    return save_msrs(vm, state);
}

#define SYNCED_REGS (KVM_SYNC_X86_REGS | KVM_SYNC_X86_SREGS | KVM_SYNC_X86_EVENTS)

int vcpu_state_load_user(const struct vm *vm, const struct vcpu_state *state)
{
    vm->run->s.regs.regs = state->regs;
    vm->run->s.regs.sregs = state->sregs;
    vm->run->s.regs.events = state->events;
    vm->run->kvm_dirty_regs = SYNCED_REGS;
    if (ioctl(vm->vcpu_fd, KVM_SET_XSAVE, state->xsave) != 0)
        return report_errno(vm->name, "KVM_SET_XSAVE");
    return 0;
}

/* The special registers reach KVM only at the next KVM_RUN, after XCR0:
 * KVM checks XCR0 against CPUID, not CR4, so the order holds. */
int vcpu_state_load(const struct vm *vm, const struct vcpu_state *state)
{
    int synced = ioctl(vm->vm_fd, KVM_CHECK_EXTENSION, KVM_CAP_SYNC_REGS);
    if (synced < 0 || (synced & SYNCED_REGS) != SYNCED_REGS)
        return report("%s: this KVM cannot load registers through kvm_run "
                      "(KVM_CAP_SYNC_REGS), which kiln serve needs",
                      vm->name);
    if (ioctl(vm->vcpu_fd, KVM_SET_XCRS, &state->xcrs) != 0)
        return report_errno(vm->name, "KVM_SET_XCRS");
    if (msrs_ioctl(vm, KVM_SET_MSRS, "KVM_SET_MSRS", (void *)&state->msrs) != 0)
        return -1;
    if (ioctl(vm->vcpu_fd, KVM_SET_DEBUGREGS, &state->debugregs) != 0)
        return report_errno(vm->name, "KVM_SET_DEBUGREGS");
    return vcpu_state_load_user(vm, state);
}

void vcpu_state_free(struct vcpu_state *state)
{
    free(state->xsave);
    state->xsave = NULL;
    state->xsave_size = 0;
}
