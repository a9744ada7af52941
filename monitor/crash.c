#include "crash.h"

#include <stdio.h>
#include <sys/ioctl.h>

#include <kiln/abi.h>

#define VECTOR_PAGE_FAULT 14
#define PF_PRESENT 0x1
#define PF_WRITE 0x2
#define PF_USER 0x4
#define PF_FETCH 0x10

/* What the exception stub leaves at RSP, lowest address first. */
struct exception_frame {
    uint64_t vector;
    uint64_t error;
    uint64_t rip;
    uint64_t cs;
    uint64_t rflags;
    uint64_t rsp;
    uint64_t ss;
};

const char *crash_exception_name(uint64_t vector)
{
    static const char *const names[KILN_EXCEPTION_VECTORS] = {
        [0] = "divide error (#DE)",          [1] = "debug exception (#DB)",
        [2] = "non-maskable interrupt",      [3] = "breakpoint (#BP)",
        [4] = "overflow (#OF)",              [5] = "bound range exceeded (#BR)",
        [6] = "invalid opcode (#UD)",        [7] = "device not available (#NM)",
        [8] = "double fault (#DF)",          [10] = "invalid TSS (#TS)",
        [11] = "segment not present (#NP)",  [12] = "stack-segment fault (#SS)",
        [13] = "general protection fault (#GP)", [14] = "page fault (#PF)",
        [16] = "x87 floating-point error (#MF)", [17] = "alignment check (#AC)",
        [18] = "machine check (#MC)",        [19] = "SIMD floating-point exception (#XM)",
        [20] = "virtualization exception (#VE)", [21] = "control protection (#CP)",
    };
    if (vector < KILN_EXCEPTION_VECTORS && names[vector])
        return names[vector];
    return "reserved exception";
}

static void report_page_fault(struct vm *vm, const struct exception_frame *frame, uint64_t cr2)
{
    const char *access = frame->error & PF_FETCH   ? "instruction fetch"
                         : frame->error & PF_WRITE ? "write"
                                                   : "read";
    if (cr2 >> 12 == vm->stack_guard >> 12) {
        vm_crash(vm, "stack overflow: page fault (#PF) at rip 0x%lx, address 0x%lx "
                     "(%s in the stack guard page)", frame->rip, cr2, access);
        return;
    }
    vm_crash(vm, "page fault (#PF) at rip 0x%lx, address 0x%lx (%s, %s, %s)", frame->rip, cr2,
             access, frame->error & PF_PRESENT ? "protection violation" : "page not present",
             frame->error & PF_USER ? "user mode" : "kernel mode");
}

void crash_report_exception(struct vm *vm)
{
    struct kvm_regs regs;
    struct kvm_sregs sregs;
    if (ioctl(vm->vcpu_fd, KVM_GET_REGS, &regs) != 0 ||
        ioctl(vm->vcpu_fd, KVM_GET_SREGS, &sregs) != 0) {
        vm_crash(vm, "an exception was raised but the vCPU state is unreadable");
        return;
    }
    const struct exception_frame *at = guest_mem_at(&vm->mem, regs.rsp, sizeof *at);
    if (at == NULL) {
        vm_crash(vm, "exception with its frame outside guest memory (rsp 0x%llx)", regs.rsp);
        return;
    }
    struct exception_frame frame = *at;
    if (frame.vector == VECTOR_PAGE_FAULT) {
        report_page_fault(vm, &frame, sregs.cr2);
        return;
    }
    vm_crash(vm, "%s at rip 0x%lx, error code 0x%lx, rsp 0x%lx",
             crash_exception_name(frame.vector), frame.rip, frame.error, frame.rsp);
}
