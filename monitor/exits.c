#include "exits.h"

#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include <kiln/abi.h>

#include "alarm.h"
#include "common/report.h"
#include "crash.h"
#include "gdb_stub.h"
#include "host_signals.h"
#include "hypercalls.h"
#include "ram_backing.h"
#include "timeout.h"
#include "upcalls.h"

/* The page table maps one large page for the doorbell; only its first
 * slots are calls, and hypercall_serve() rejects the rest by number. */
#define DOORBELL_PAGE (2ull << 20)

/* An access to RAM that KVM began as MMIO, having no slot there: the
 * embedded files' first touch (ram_backing.h), or a later piece of the
 * same instruction.  Backed now, RAM finishes the access. */
static void on_ram_access(struct vm *vm)
{
    struct kvm_run *run = vm->run;
    uint64_t addr = run->mmio.phys_addr;
    int backed = ram_back_touched(vm, addr);
    uint8_t *host = guest_mem_at(&vm->mem, addr, run->mmio.len);
    if (backed < 0) {
        vm_stop(vm, MONITOR_FAILED, 0);
    } else if (backed == 0 || host == NULL || run->mmio.len > sizeof run->mmio.data) {
        vm_crash(vm, "access to 0x%lx, memory the program never allocated", addr);
    } else if (run->mmio.is_write) {
        memcpy(host, run->mmio.data, run->mmio.len);
    } else {
        memcpy(run->mmio.data, host, run->mmio.len);
    }
}

static void on_mmio(struct vm *vm)
{
    const struct kvm_run *run = vm->run;
    uint64_t addr = run->mmio.phys_addr;
    uint64_t offset = addr - KILN_DOORBELL_GPA;
    if (addr < vm->mem.size) {
        on_ram_access(vm);
        return;
    }
    if (addr < KILN_DOORBELL_GPA || offset >= DOORBELL_PAGE) {
        vm_crash(vm, "access to 0x%lx, memory the program never allocated", addr);
        return;
    }
    if (!run->mmio.is_write || run->mmio.len != KILN_DOORBELL_SLOT ||
        offset % KILN_DOORBELL_SLOT != 0) {
        vm_crash(vm,
                 "malformed doorbell access at 0x%lx: a %u-byte %s (a call is an aligned "
                 "4-byte write)",
                 addr, run->mmio.len, run->mmio.is_write ? "write" : "read");
        return;
    }
    uint32_t gpa;
    memcpy(&gpa, run->mmio.data, sizeof gpa);
    hypercall_serve(vm, offset / KILN_DOORBELL_SLOT, gpa);
}

/* The debugger takes its own traps; the program's own handler takes the
 * fault if it has one. */
static void on_exception(struct vm *vm)
{
    struct kvm_regs regs;
    struct kvm_sregs sregs;
    struct exception_frame frame;
    if (!crash_exception_state(vm, &regs, &sregs, &frame) ||
        gdb_stub_on_exception(vm, &regs, &sregs, &frame))
        return;
    enum upcall_result result = upcall_fault(vm, &regs, &sregs, &frame);
    if (result == UPCALL_NOT_WANTED)
        crash_report_exception(vm, &regs, &sregs, &frame);
}

static void on_io(struct vm *vm)
{
    const struct kvm_run *run = vm->run;
    if (run->io.port == KILN_EXCEPTION_PORT && run->io.direction == KVM_EXIT_IO_OUT) {
        on_exception(vm);
        return;
    }
    vm_crash(vm, "a %u-byte %s on port 0x%x, which kiln does not serve", run->io.size,
             run->io.direction == KVM_EXIT_IO_OUT ? "out" : "in", run->io.port);
}

/* KVM cannot emulate every instruction that may first touch the
 * embedded files (an SSE one with a memory operand, on PVM): with their
 * pages backed, the instruction runs again natively. */
static void on_internal_error(struct vm *vm)
{
    int backed = vm->run->internal.suberror == KVM_INTERNAL_ERROR_EMULATION ? ram_back_hole(vm) : 0;
    if (backed < 0)
        vm_stop(vm, MONITOR_FAILED, 0);
    if (backed != 0)
        return;
    vm_crash(vm, "KVM could not run the guest further (internal error, suberror %u)",
             vm->run->internal.suberror);
}

static void on_fail_entry(struct vm *vm)
{
    report("%s: KVM refused to enter the guest (hardware reason 0x%llx)", vm->name,
           vm->run->fail_entry.hardware_entry_failure_reason);
    vm_stop(vm, MONITOR_FAILED, 0);
}

void exits_serve(struct vm *vm)
{
    switch (vm->run->exit_reason) {
    case KVM_EXIT_MMIO:
        on_mmio(vm);
        break;
    case KVM_EXIT_IO:
        on_io(vm);
        break;
    case KVM_EXIT_SHUTDOWN:
        vm_crash(vm, "triple fault (the guest reset itself)");
        break;
    case KVM_EXIT_HLT:
        vm_crash(vm, "halted at ring 0");
        break;
    case KVM_EXIT_INTERNAL_ERROR:
        on_internal_error(vm);
        break;
    case KVM_EXIT_FAIL_ENTRY:
        on_fail_entry(vm);
        break;
    default:
        vm_crash(vm, "unexpected KVM exit reason %u", vm->run->exit_reason);
    }
}

void exits_run(struct vm *vm)
{
    while (!vm->stopped) {
        int rc = ioctl(vm->vcpu_fd, KVM_RUN, 0);
        trace_mark(vm->trace, TRACE_GUEST);
        if (rc == 0) {
            exits_serve(vm);
            trace_exit(vm->trace, vm->run->exit_reason, vm->run->mmio.phys_addr);
            trace_mark(vm->trace, TRACE_EXITS);
        } else if (errno != EINTR && errno != EAGAIN) {
            report("%s: KVM_RUN: %s", vm->name, strerror(errno));
            vm_stop(vm, MONITOR_FAILED, 0);
        } else {
            timeout_take_signals();
            if (timeout_expired(vm)) {
                vm_time_out(vm);
            } else {
                host_signals_take(vm);
                alarm_check(vm);
            }
            gdb_stub_check_interrupt(vm);
        }
    }
}
