/*
 * A signal handler's frame, the Linux way: on the thread's stack (or its
 * alternate stack), the return address (the program's sa_restorer), a
 * ucontext_t with the registers the signal stopped and the x87/SSE state,
 * and the siginfo_t.  The handler's return reaches rt_sigreturn, which
 * takes them back: so siglongjmp out of a handler works as on Linux.
 */
#ifndef KILN_RUNTIME_SIGNAL_FRAME_H
#define KILN_RUNTIME_SIGNAL_FRAME_H

#include "thread.h"
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#define SIGNAL_BIT(sig) (1ull << ((sig)-1))
/* Faults: delivered first, as Linux does, and with the fault's registers. */
#define SIGNAL_SYNCHRONOUS                                                                         \
    (SIGNAL_BIT(SIGSEGV) | SIGNAL_BIT(SIGBUS) | SIGNAL_BIT(SIGILL) | SIGNAL_BIT(SIGTRAP) |         \
     SIGNAL_BIT(SIGFPE))

/* The kernel's struct sigaction on x86-64. */
struct signal_action {
    uint64_t handler;
    uint64_t flags;
    uint64_t restorer;
    uint64_t mask;
};

/* siginfo_t as Linux fills it for sig with info. */
void signal_frame_info(siginfo_t *si, int sig, const struct signal_info *info);

/* Is sp on thread's alternate stack? */
bool signal_on_altstack(const struct thread *thread, uint64_t sp);

/* Pushes the frame for sig (old_mask is the mask the handler's return
 * puts back) and points regs at the handler; false if the frame does not
 * fit where it must go, or the action has no sa_restorer. */
bool signal_frame_push(const struct thread *thread, int sig, const struct signal_action *action,
                       uint64_t old_mask, struct kiln_regs *regs);

/* rt_sigreturn: regs and the x87/SSE state from the frame at regs->rsp,
 * and in *mask the signal mask it holds; false if it is not readable or
 * would resume on a bad stack. */
bool signal_frame_pop(struct kiln_regs *regs, uint64_t *mask);

#endif
