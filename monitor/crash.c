#include "crash.h"

#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <sys/ioctl.h>

#include "abort_site.h"
#include "backtrace.h"
#include "common/report.h"
#include "core_file.h"
#include "symbols.h"

#define VECTOR_PAGE_FAULT  14
#define PF_PRESENT         0x1
#define PF_WRITE           0x2
#define PF_FETCH           0x10
#define REGISTERS_PER_LINE 4

struct named_register {
    const char *name;
    uint64_t value;
};

const char *crash_exception_name(uint64_t vector)
{
    static const char *const names[KILN_EXCEPTION_VECTORS] = {
        [0] = "divide error (#DE)",
        [1] = "debug exception (#DB)",
        [2] = "non-maskable interrupt",
        [3] = "breakpoint (#BP)",
        [4] = "overflow (#OF)",
        [5] = "bound range exceeded (#BR)",
        [6] = "invalid opcode (#UD)",
        [7] = "device not available (#NM)",
        [8] = "double fault (#DF)",
        [10] = "invalid TSS (#TS)",
        [11] = "segment not present (#NP)",
        [12] = "stack-segment fault (#SS)",
        [13] = "general protection fault (#GP)",
        [14] = "page fault (#PF)",
        [16] = "x87 floating-point error (#MF)",
        [17] = "alignment check (#AC)",
        [18] = "machine check (#MC)",
        [19] = "SIMD floating-point exception (#XM)",
        [20] = "virtualization exception (#VE)",
        [21] = "control protection (#CP)",
    };
    if (vector < KILN_EXCEPTION_VECTORS && names[vector])
        return names[vector];
    return "reserved exception";
}

int crash_exception_signal(uint64_t vector)
{
    static const int signals[KILN_EXCEPTION_VECTORS] = {
        [0] = SIGFPE,  [1] = SIGTRAP,  [3] = SIGTRAP,  [4] = SIGSEGV, [5] = SIGSEGV, [6] = SIGILL,
        [12] = SIGBUS, [13] = SIGSEGV, [14] = SIGSEGV, [16] = SIGFPE, [17] = SIGBUS, [19] = SIGFPE,
    };
    if (vector < KILN_EXCEPTION_VECTORS && signals[vector] != 0)
        return signals[vector];
    return SIGSEGV;
}

static void start_page_fault(struct report_text *text, const struct vm *vm,
                             const struct exception_frame *frame, uint64_t cr2)
{
    const char *access = frame->error & PF_FETCH   ? "instruction fetch"
                         : frame->error & PF_WRITE ? "write"
                                                   : "read";
    if (cr2 >> 12 == vm->stack_guard >> 12) {
        vm_crash_start(text, vm,
                       "stack overflow: page fault (#PF) at rip 0x%lx, address 0x%lx "
                       "(%s in the stack guard page)",
                       frame->rip, cr2, access);
        return;
    }
    /* No user or kernel mode here: under PVM neither the error code nor
     * the saved CS tells a ring-0 fault from a ring-3 one. */
    vm_crash_start(text, vm, "page fault (#PF) at rip 0x%lx, address 0x%lx (%s, %s)", frame->rip,
                   cr2, access,
                   frame->error & PF_PRESENT ? "protection violation" : "page not present");
}

/* The report's first line, which says the same as vm_crash() would. */
static void start_summary(struct report_text *text, const struct vm *vm,
                          const struct exception_frame *frame, uint64_t cr2)
{
    if (frame->vector == VECTOR_PAGE_FAULT)
        start_page_fault(text, vm, frame, cr2);
    else
        vm_crash_start(text, vm, "%s at rip 0x%lx (vector %lu, error code 0x%lx)",
                       crash_exception_name(frame->vector), frame->rip, frame->vector,
                       frame->error);
    report_text_add(text, "\n");
}

static void add_registers(struct report_text *text, const struct named_register *registers,
                          size_t count)
{
    for (size_t i = 0; i < count; i++) {
        bool line_ends = i % REGISTERS_PER_LINE == REGISTERS_PER_LINE - 1 || i == count - 1;
        report_text_add(text, "  %-6s 0x%016lx%s", registers[i].name, registers[i].value,
                        line_ends ? "\n" : "");
    }
}

/* The exception stub changed none of the program's registers but RSP and
 * RIP, which the frame holds. */
static void add_exception_registers(struct report_text *text, const struct kvm_regs *r,
                                    const struct exception_frame *frame, uint64_t cr2)
{
    const struct named_register registers[] = {
        {"rax", r->rax},   {"rbx", r->rbx},     {"rcx", r->rcx},
        {"rdx", r->rdx},   {"rsi", r->rsi},     {"rdi", r->rdi},
        {"rbp", r->rbp},   {"rsp", frame->rsp}, {"r8", r->r8},
        {"r9", r->r9},     {"r10", r->r10},     {"r11", r->r11},
        {"r12", r->r12},   {"r13", r->r13},     {"r14", r->r14},
        {"r15", r->r15},   {"rip", frame->rip}, {"rflags", frame->rflags},
        {"cs", frame->cs}, {"cr2", cr2},
    };
    add_registers(text, registers, sizeof registers / sizeof registers[0]);
}

static void add_frame(struct report_text *text, const struct symbols *symbols, size_t depth,
                      uint64_t address)
{
    /* A return address may be the first byte past its caller's function. */
    uint64_t call_site = depth == 0 ? address : address - 1;
    struct symbol symbol;
    report_text_add(text, "    #%-2zu 0x%016lx", depth, address);
    if (symbols_find(symbols, call_site, &symbol))
        report_text_add(text, " %s+0x%lx\n", symbol.name, symbol.offset + (address - call_site));
    else
        report_text_add(text, " ??\n");
}

static void add_backtrace(struct report_text *text, const struct vm *vm, uint64_t rip, uint64_t rbp)
{
    uint64_t addresses[BACKTRACE_MAX];
    addresses[0] = rip;
    const struct backtrace_bounds bounds = {
        .mem = &vm->mem, .image = vm->image, .stack_bottom = vm->stack_guard + KILN_PAGE_SIZE};
    size_t count = 1 + backtrace_walk(&bounds, rbp, addresses + 1, BACKTRACE_MAX - 1);
    struct symbols symbols;
    symbols_open(&symbols, vm->image);
    report_text_add(text, "  backtrace:\n");
    for (size_t i = 0; i < count; i++)
        add_frame(text, &symbols, i, addresses[i]);
    symbols_close(&symbols);
}

/* The program's registers: the exception stub changed none but those
 * the CPU's frame holds. */
static void dump_exception(struct vm *vm, const struct kvm_regs *regs,
                           const struct kvm_sregs *sregs, const struct exception_frame *frame,
                           struct report_text *text)
{
    struct core_registers at = {
        .regs = *regs, .sregs = *sregs, .signal = crash_exception_signal(frame->vector)};
    at.regs.rip = frame->rip;
    at.regs.rsp = frame->rsp;
    at.regs.rflags = frame->rflags;
    at.sregs.cs.selector = (uint16_t)frame->cs;
    at.sregs.ss.selector = (uint16_t)frame->ss;
    core_file_dump(vm, &at, text);
}

/* The vCPU is inside the runtime's abort path, and the registers the
 * runtime reports are the program's at its last system call, inside
 * musl: gdb can unwind from neither (abort_site.h), so the core holds
 * the program entering the call it died in, where the stack shows one,
 * else those registers.  The general registers but RIP, RSP and RBP are
 * the runtime's by now, and left zero. */
static void dump_abort(struct vm *vm, const struct kiln_hc_abort *abort, struct report_text *text)
{
    struct core_registers at = {.signal = abort->reason == KILN_ABORT_SIGNAL ? (int)abort->detail
                                                                             : SIGABRT};
    if (vm->core == NULL)
        return;
    if (ioctl(vm->vcpu_fd, KVM_GET_REGS, &at.regs) != 0 ||
        ioctl(vm->vcpu_fd, KVM_GET_SREGS, &at.sregs) != 0) {
        core_file_dump_vcpu(vm, at.signal, text);
        return;
    }
    struct abort_site site = {.rip = abort->rip, .rsp = abort->rsp, .rbp = abort->rbp};
    abort_site_find(&vm->mem, vm->image, abort->rsp, &site);
    at.regs = (struct kvm_regs){
        .rip = site.rip, .rsp = site.rsp, .rbp = site.rbp, .rflags = at.regs.rflags};
    core_file_dump(vm, &at, text);
}

bool crash_exception_state(struct vm *vm, struct kvm_regs *regs, struct kvm_sregs *sregs,
                           struct exception_frame *frame)
{
    if (ioctl(vm->vcpu_fd, KVM_GET_REGS, regs) != 0 ||
        ioctl(vm->vcpu_fd, KVM_GET_SREGS, sregs) != 0) {
        vm_crash(vm, "an exception was raised but the vCPU state is unreadable");
        return false;
    }
    /* Copied, not read in place: the image's own ring-0 code may leave RSP
     * misaligned. */
    const void *at = guest_mem_at(&vm->mem, regs->rsp, sizeof *frame);
    if (at == NULL) {
        vm_crash(vm, "exception with its frame outside guest memory (rsp 0x%llx)", regs->rsp);
        return false;
    }
    memcpy(frame, at, sizeof *frame);
    return true;
}

void crash_report_exception(struct vm *vm, const struct kvm_regs *regs,
                            const struct kvm_sregs *sregs, const struct exception_frame *frame)
{
    struct report_text text;
    start_summary(&text, vm, frame, sregs->cr2);
    add_exception_registers(&text, regs, frame, sregs->cr2);
    add_backtrace(&text, vm, frame->rip, regs->rbp);
    dump_exception(vm, regs, sregs, frame, &text);
    vm_crash_end(vm, &text);
}

void crash_report_abort(struct vm *vm, const struct kiln_hc_abort *abort)
{
    struct report_text text;
    if (abort->reason == KILN_ABORT_SIGNAL)
        vm_crash_start(&text, vm, "killed by signal %u (%s) at rip 0x%lx", abort->detail,
                       strsignal((int)abort->detail), abort->rip);
    else
        vm_crash_start(&text, vm, "the runtime aborted (reason %u, code %u) at rip 0x%lx",
                       abort->reason, abort->detail, abort->rip);
    report_text_add(&text, "\n");
    const struct named_register registers[] = {
        {"rip", abort->rip}, {"rsp", abort->rsp}, {"rbp", abort->rbp}};
    add_registers(&text, registers, sizeof registers / sizeof registers[0]);
    add_backtrace(&text, vm, abort->rip, abort->rbp);
    dump_abort(vm, abort, &text);
    vm_crash_end(vm, &text);
}
