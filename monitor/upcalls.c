#include "upcalls.h"

#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include <kiln/abi.h>

#include "common/report.h"
#include "cpu.h"
#include "image.h"

/* entry.S's ring-0 code: the SYSCALL entry, then the exception stubs and
 * the few instructions they jump to. */
#define RING0_TAIL 64

struct kiln_events *upcall_events(struct vm *vm)
{
    uint64_t gpa = vm->image->note.events;
    struct kiln_events *events = guest_mem_for_write(&vm->mem, gpa, sizeof *events);
    if (events == NULL)
        vm_crash(vm, "the runtime's events at 0x%lx lie outside guest memory", gpa);
    return events;
}

static bool within(uint64_t rip, uint64_t start, uint64_t end)
{
    return rip >= start && rip < end;
}

static bool in_ring0_code(const struct vm *vm, uint64_t rip)
{
    const struct kiln_note *note = &vm->image->note;
    uint64_t start = note->syscall_entry < note->exception_entries ? note->syscall_entry
                                                                   : note->exception_entries;
    uint64_t end = note->exception_entries +
                   (uint64_t)KILN_EXCEPTION_VECTORS * KILN_EXCEPTION_STUB_SIZE + RING0_TAIL;
    return within(rip, start, end);
}

static void save_regs(struct kiln_regs *to, const struct kvm_regs *r)
{
    *to = (struct kiln_regs){
        .rax = r->rax,
        .rbx = r->rbx,
        .rcx = r->rcx,
        .rdx = r->rdx,
        .rsi = r->rsi,
        .rdi = r->rdi,
        .rbp = r->rbp,
        .rsp = r->rsp,
        .r8 = r->r8,
        .r9 = r->r9,
        .r10 = r->r10,
        .r11 = r->r11,
        .r12 = r->r12,
        .r13 = r->r13,
        .r14 = r->r14,
        .r15 = r->r15,
        .rip = r->rip,
        .rflags = r->rflags,
    };
}

/* Into the runtime's entry on its upcall stack, at ring 3. */
static enum upcall_result enter(struct vm *vm, struct kiln_events *events, struct kvm_regs *regs)
{
    events->busy = 1;
    events->pending = 0;
    regs->rip = events->entry;
    regs->rsp = events->stack_top;
    regs->rflags = RFLAGS_RESERVED;
    if (ioctl(vm->vcpu_fd, KVM_SET_REGS, regs) != 0) {
        report("%s: KVM_SET_REGS: %s", vm->name, strerror(errno));
        vm_stop(vm, MONITOR_FAILED, 0);
        return UPCALL_FAILED;
    }
    return UPCALL_MADE;
}

/* The runtime must not be entered while it runs, while it puts a
 * program's registers back, from a system call's trampoline, or from
 * ring 0. */
static bool runtime_free(const struct vm *vm, const struct kiln_events *events,
                         const struct kvm_regs *regs, const struct kvm_sregs *sregs)
{
    return !events->busy && sregs->cs.selector == KILN_USER_CS && !in_ring0_code(vm, regs->rip) &&
           !within(regs->rip, events->resume_start, events->resume_end) &&
           !within(regs->rip, events->trampolines_start, events->trampolines_end);
}

enum upcall_result upcall_timer(struct vm *vm)
{
    struct kiln_events *events = upcall_events(vm);
    struct kvm_regs regs;
    struct kvm_sregs sregs;
    if (events == NULL)
        return UPCALL_FAILED;
    if (ioctl(vm->vcpu_fd, KVM_GET_REGS, &regs) != 0 ||
        ioctl(vm->vcpu_fd, KVM_GET_SREGS, &sregs) != 0) {
        report("%s: reading the vCPU for a timer: %s", vm->name, strerror(errno));
        vm_stop(vm, MONITOR_FAILED, 0);
        return UPCALL_FAILED;
    }
    if (!runtime_free(vm, events, &regs, &sregs)) {
        events->pending = 1;
        return UPCALL_HELD;
    }
    save_regs(&events->regs, &regs);
    events->reason = KILN_UPCALL_TIMER;
    return enter(vm, events, &regs);
}

enum upcall_result upcall_fault(struct vm *vm, const struct kvm_regs *regs,
                                const struct kvm_sregs *sregs, const struct exception_frame *frame)
{
    struct kiln_events *events = upcall_events(vm);
    if (events == NULL)
        return UPCALL_FAILED;
    if (frame->vector >= KILN_EXCEPTION_VECTORS || !(events->fault_vectors >> frame->vector & 1) ||
        events->busy || in_ring0_code(vm, frame->rip))
        return UPCALL_NOT_WANTED;
    struct kvm_regs next = *regs;
    next.rip = frame->rip;
    next.rsp = frame->rsp;
    next.rflags = frame->rflags;
    save_regs(&events->regs, &next);
    events->reason = KILN_UPCALL_FAULT;
    events->vector = (uint32_t)frame->vector;
    events->error = frame->error;
    events->address = sregs->cr2;
    struct kvm_sregs user = *sregs;
    cpu_user_segments(&user);
    if (ioctl(vm->vcpu_fd, KVM_SET_SREGS, &user) != 0) {
        report("%s: KVM_SET_SREGS: %s", vm->name, strerror(errno));
        vm_stop(vm, MONITOR_FAILED, 0);
        return UPCALL_FAILED;
    }
    return enter(vm, events, &next);
}
