#define _GNU_SOURCE
#include "signal_frame.h"
#include "bounce.h"
#include "bytes.h"
#include "user_range.h"
#include <ucontext.h>

/* The RFLAGS bits a program may set through rt_sigreturn, as on Linux. */
#define USER_RFLAGS 0x40dd5ull
/* What delivery clears: TF, DF, RF and AC. */
#define HANDLER_CLEARS_RFLAGS 0x50500ull
#define FXSAVE_SIZE           512
#define FXSAVE_MXCSR          24
#define FXSAVE_MASK           28
#define MXCSR_DEFAULT_MASK    0xffbfu
/* What signal_frame_push and the calls it makes use of the stack, with room. */
#define RUNTIME_STACK_MARGIN 1024

void signal_frame_info(siginfo_t *si, int sig, const struct signal_info *info)
{
    bytes_zero(si, sizeof *si);
    si->si_signo = sig;
    si->si_code = info->code;
    switch (info->code) {
    case SI_TIMER:
        si->si_timerid = info->timer;
        si->si_overrun = info->overrun;
        si->si_value.sival_ptr = (void *)(uintptr_t)info->addr;
        break;
    case SI_USER:
    case SI_TKILL:
    case SI_QUEUE:
        si->si_pid = info->pid;
        si->si_uid = 0;
        si->si_value.sival_ptr = (void *)(uintptr_t)info->addr;
        break;
    default:
        si->si_addr = (void *)(uintptr_t)info->addr;
    }
}

static void regs_to_gregs(const struct kiln_regs *r, greg_t *g)
{
    g[REG_R8] = (greg_t)r->r8;
    g[REG_R9] = (greg_t)r->r9;
    g[REG_R10] = (greg_t)r->r10;
    g[REG_R11] = (greg_t)r->r11;
    g[REG_R12] = (greg_t)r->r12;
    g[REG_R13] = (greg_t)r->r13;
    g[REG_R14] = (greg_t)r->r14;
    g[REG_R15] = (greg_t)r->r15;
    g[REG_RDI] = (greg_t)r->rdi;
    g[REG_RSI] = (greg_t)r->rsi;
    g[REG_RBP] = (greg_t)r->rbp;
    g[REG_RBX] = (greg_t)r->rbx;
    g[REG_RDX] = (greg_t)r->rdx;
    g[REG_RAX] = (greg_t)r->rax;
    g[REG_RCX] = (greg_t)r->rcx;
    g[REG_RSP] = (greg_t)r->rsp;
    g[REG_RIP] = (greg_t)r->rip;
    g[REG_EFL] = (greg_t)r->rflags;
    g[REG_CSGSFS] = KILN_USER_CS;
}

static void gregs_to_regs(const greg_t *g, struct kiln_regs *r)
{
    r->r8 = (uint64_t)g[REG_R8];
    r->r9 = (uint64_t)g[REG_R9];
    r->r10 = (uint64_t)g[REG_R10];
    r->r11 = (uint64_t)g[REG_R11];
    r->r12 = (uint64_t)g[REG_R12];
    r->r13 = (uint64_t)g[REG_R13];
    r->r14 = (uint64_t)g[REG_R14];
    r->r15 = (uint64_t)g[REG_R15];
    r->rdi = (uint64_t)g[REG_RDI];
    r->rsi = (uint64_t)g[REG_RSI];
    r->rbp = (uint64_t)g[REG_RBP];
    r->rbx = (uint64_t)g[REG_RBX];
    r->rdx = (uint64_t)g[REG_RDX];
    r->rax = (uint64_t)g[REG_RAX];
    r->rcx = (uint64_t)g[REG_RCX];
    r->rsp = (uint64_t)g[REG_RSP];
    r->rip = (uint64_t)g[REG_RIP];
    r->rflags = (r->rflags & ~USER_RFLAGS) | ((uint64_t)g[REG_EFL] & USER_RFLAGS);
}

bool signal_on_altstack(const struct thread *thread, uint64_t sp)
{
    return thread->altstack_size && sp > thread->altstack_sp &&
           sp - thread->altstack_sp <= thread->altstack_size;
}

/* What a handler's frame holds, lowest address first after the return
 * address: the ucontext_t, the siginfo_t, the x87/SSE state. */
struct signal_frame {
    ucontext_t uc;
    siginfo_t info;
    _Alignas(16) uint8_t fpu[FXSAVE_SIZE];
};

bool signal_frame_push(const struct thread *thread, int sig, const struct signal_action *action,
                       uint64_t old_mask, struct kiln_regs *regs)
{
    uint64_t top = regs->rsp - RED_ZONE;
    if ((action->flags & SA_ONSTACK) && thread->altstack_size &&
        !signal_on_altstack(thread, regs->rsp))
        top = thread->altstack_sp + thread->altstack_size;
    /* The runtime may be running on that stack, below regs: the frame
     * goes below what it uses, calls from here included. */
    uint64_t here = (uint64_t)(uintptr_t)__builtin_frame_address(0) - RUNTIME_STACK_MARGIN;
    uint64_t in_use_end = (uint64_t)(uintptr_t)regs + sizeof *regs + RESUME_GAP;
    if (top > here && top - sizeof(struct signal_frame) < in_use_end)
        top = here;
    uint64_t sp = ((top - sizeof(struct signal_frame)) & ~15ull) - sizeof(uint64_t);
    struct signal_frame *frame = (struct signal_frame *)(uintptr_t)(sp + sizeof(uint64_t));
    if (!(action->flags & SA_RESTORER) ||
        !user_range_ok((void *)(uintptr_t)sp, sizeof(uint64_t) + sizeof *frame))
        return false;
    *(uint64_t *)(uintptr_t)sp = action->restorer;
    signal_frame_info(&frame->info, sig, &thread->info[sig]);
    bytes_zero(&frame->uc, sizeof frame->uc);
    frame->uc.uc_stack = (stack_t){
        .ss_sp = (void *)(uintptr_t)thread->altstack_sp,
        .ss_size = thread->altstack_size,
        .ss_flags = !thread->altstack_size                  ? SS_DISABLE
                    : signal_on_altstack(thread, regs->rsp) ? SS_ONSTACK
                                                            : 0,
    };
    greg_t *gregs = frame->uc.uc_mcontext.gregs;
    regs_to_gregs(regs, gregs);
    if (SIGNAL_SYNCHRONOUS & SIGNAL_BIT(sig)) {
        gregs[REG_TRAPNO] = thread->fault_vector;
        gregs[REG_ERR] = (greg_t)thread->fault_error;
        gregs[REG_CR2] = (greg_t)thread->fault_address;
    }
    __asm__ volatile("fxsave64 %0" : "=m"(frame->fpu));
    frame->uc.uc_mcontext.fpregs = (fpregset_t)(void *)frame->fpu;
    bytes_copy(&frame->uc.uc_sigmask, &old_mask, sizeof old_mask);
    regs->rip = action->handler;
    regs->rsp = sp;
    regs->rdi = (uint64_t)sig;
    regs->rsi = (uint64_t)(uintptr_t)&frame->info;
    regs->rdx = (uint64_t)(uintptr_t)&frame->uc;
    regs->rax = 0;
    regs->rflags &= ~HANDLER_CLEARS_RFLAGS;
    return true;
}

/* The state comes from the program: MXCSR bits the CPU does not have would
 * make fxrstor fault, so they are dropped. */
static void restore_fpu(const uint8_t *saved)
{
    _Alignas(16) uint8_t state[FXSAVE_SIZE];
    uint32_t mask, mxcsr;
    __asm__ volatile("fxsave64 %0" : "=m"(state));
    bytes_copy(&mask, state + FXSAVE_MASK, sizeof mask);
    bytes_copy(state, saved, FXSAVE_SIZE);
    bytes_copy(&mxcsr, state + FXSAVE_MXCSR, sizeof mxcsr);
    mxcsr &= mask ? mask : MXCSR_DEFAULT_MASK;
    bytes_copy(state + FXSAVE_MXCSR, &mxcsr, sizeof mxcsr);
    __asm__ volatile("fxrstor64 %0" : : "m"(state));
}

bool signal_frame_pop(struct kiln_regs *regs, uint64_t *mask)
{
    const ucontext_t *uc = (const ucontext_t *)(uintptr_t)regs->rsp;
    if (!user_range_ok(uc, sizeof *uc))
        return false;
    gregs_to_regs(uc->uc_mcontext.gregs, regs);
    const uint8_t *fpu = (const uint8_t *)uc->uc_mcontext.fpregs;
    if (fpu && ((uintptr_t)fpu & 15) == 0 && user_range_ok(fpu, FXSAVE_SIZE))
        restore_fpu(fpu);
    bytes_copy(mask, &uc->uc_sigmask, sizeof *mask);
    return user_range_ok((void *)(uintptr_t)(regs->rsp - RESUME_GAP), RESUME_GAP);
}
