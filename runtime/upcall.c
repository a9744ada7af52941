/*
 * The monitor enters kiln_upcall_entry (entry.S) on the upcall stack with
 * the program's registers in kiln_events.regs, having set busy: no other
 * upcall comes until kiln_resume clears it.
 */
#include "upcall.h"
#include "bounce.h"
#include "sched.h"
#include "signal.h"
#include "thread.h"
#include "timers.h"
#include "user_range.h"
#include <signal.h>

#define UPCALL_STACK_SIZE 8192

static _Alignas(16) uint8_t upcall_stack[UPCALL_STACK_SIZE];
extern const char __kiln_trampolines_start[];
extern const char __kiln_trampolines_end[];

struct kiln_events kiln_events = {
    .entry = (uint64_t)(uintptr_t)kiln_upcall_entry,
    .stack_top = (uint64_t)(uintptr_t)(upcall_stack + UPCALL_STACK_SIZE),
    .resume_start = (uint64_t)(uintptr_t)kiln_resume_begin,
    .resume_end = (uint64_t)(uintptr_t)kiln_resume_end,
    .trampolines_start = (uint64_t)(uintptr_t)__kiln_trampolines_start,
    .trampolines_end = (uint64_t)(uintptr_t)__kiln_trampolines_end,
};

void upcall_leave(struct kiln_regs *regs, long syscall_nr)
{
    if (kiln_events.pending) {
        kiln_events.pending = 0;
        sched_tick();
    }
    signal_take_host();
    signal_return(regs, syscall_nr);
}

static void on_thread_stack(void *arg)
{
    struct kiln_regs *regs = arg;
    sched_tick();
    upcall_leave(regs, -1);
    kiln_resume(regs);
}

/* A fault only queues its signal for the thread it stopped, so it is
 * handled here on the upcall stack; the handler's frame goes where the
 * program's sigaction says.  A timer may switch threads, so its
 * registers move below the red zone of the stack the program was on;
 * should that stack be unusable, the tick waits for the next call. */
__attribute__((noreturn)) void kiln_upcall(void);
void kiln_upcall(void)
{
    static struct kiln_regs stopped;
    stopped = kiln_events.regs;
    if (kiln_events.reason == KILN_UPCALL_FAULT) {
        signal_fault(&stopped, kiln_events.vector, kiln_events.error, kiln_events.address);
        signal_return(&stopped, -1);
        kiln_resume(&stopped);
    }
    uint64_t top = stopped.rsp - RESUME_GAP;
    struct kiln_regs *regs = (struct kiln_regs *)(uintptr_t)((top - sizeof *regs) & ~15ull);
    if (top > stopped.rsp || !user_range_ok(regs, sizeof *regs)) {
        kiln_events.pending = 1;
        kiln_resume(&stopped);
    }
    *regs = stopped;
    kiln_call_on_stack(regs, on_thread_stack, regs);
}
