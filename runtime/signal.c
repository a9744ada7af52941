/*
 * Signals.  Actions are the process's; masks, pending sets and the
 * alternate stack are each thread's.  A handler runs on a frame
 * signal_frame.c builds, on the way back to the program.
 */
#define _GNU_SOURCE
#include "signal.h"
#include "bytes.h"
#include "clock.h"
#include "hypercall.h"
#include "process.h"
#include "sched.h"
#include "signal_frame.h"
#include "user_range.h"
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <sys/syscall.h>

#define KERNEL_SIGSET_SIZE   8
#define EXIT_STATUS_SIGNALED 128
#define BIT(sig)             SIGNAL_BIT(sig)
#define UNBLOCKABLE          (BIT(SIGKILL) | BIT(SIGSTOP))
#define SYNCHRONOUS          SIGNAL_SYNCHRONOUS
/* Whose default action dumps core; the others' just end the process. */
#define DUMPS_CORE                                                                                 \
    (BIT(SIGQUIT) | BIT(SIGILL) | BIT(SIGTRAP) | BIT(SIGABRT) | BIT(SIGBUS) | BIT(SIGFPE) |        \
     BIT(SIGSEGV) | BIT(SIGXCPU) | BIT(SIGXFSZ) | BIT(SIGSYS))

extern struct kiln_events kiln_events;

static struct signal_action actions[SIGNAL_COUNT];

static bool valid(int sig)
{
    return sig >= 1 && sig < SIGNAL_COUNT;
}

static bool ignored_by_default(int sig)
{
    switch (sig) {
    case SIGCHLD:
    case SIGCONT:
    case SIGURG:
    case SIGWINCH:
    case SIGSTOP:
    case SIGTSTP:
    case SIGTTIN:
    case SIGTTOU:
        return true;
    default:
        return false;
    }
}

static bool has_handler(int sig)
{
    return actions[sig].handler != (uint64_t)(uintptr_t)SIG_DFL &&
           actions[sig].handler != (uint64_t)(uintptr_t)SIG_IGN;
}

static bool ignored(int sig)
{
    return actions[sig].handler == (uint64_t)(uintptr_t)SIG_IGN ||
           (actions[sig].handler == (uint64_t)(uintptr_t)SIG_DFL && ignored_by_default(sig));
}

/* The exception vectors whose signal has a handler go to the runtime. */
static void update_fault_vectors(void)
{
    static const struct {
        uint8_t vector;
        uint8_t sig;
    } map[] = {{0, SIGFPE},   {1, SIGTRAP}, {3, SIGTRAP}, {4, SIGSEGV},
               {5, SIGSEGV},  {6, SIGILL},  {12, SIGBUS}, {13, SIGSEGV},
               {14, SIGSEGV}, {16, SIGFPE}, {17, SIGBUS}, {19, SIGFPE}};
    uint64_t vectors = 0;
    for (unsigned i = 0; i < sizeof map / sizeof map[0]; i++)
        if (has_handler(map[i].sig))
            vectors |= 1ull << map[i].vector;
    kiln_events.fault_vectors = vectors;
}

/* Ends the run as a death by sig. */
__attribute__((noreturn)) static void die(int sig, const struct kiln_regs *regs)
{
    hypercall_abort(KILN_ABORT_SIGNAL, (uint32_t)sig, regs);
    hypercall_exit(EXIT_STATUS_SIGNALED + sig);
}

/* sig's default action ends the run.  One that someone sent (kill, raise,
 * a signal kiln was sent) and that dumps no core is no crash: the run
 * ends with the status a shell shows for it, 128 + sig, and no report. */
__attribute__((noreturn)) static void take_default_action(const struct thread *self, int sig,
                                                          const struct kiln_regs *regs)
{
    int32_t code = self->info[sig].code;
    if (!(DUMPS_CORE & BIT(sig)) && (code == SI_USER || code == SI_TKILL || code == SI_QUEUE))
        thread_exit_group(EXIT_STATUS_SIGNALED + sig);
    die(sig, regs);
}

bool signal_interrupts(const struct thread *thread)
{
    return (thread->pending & ~thread->blocked) != 0;
}

void signal_send_thread(struct thread *thread, int sig, const struct signal_info *info)
{
    if (!(thread->blocked & BIT(sig)) && !(thread->awaited & BIT(sig)) && ignored(sig))
        return;
    thread->pending |= BIT(sig);
    thread->info[sig] = *info;
    if (thread->state == THREAD_WAITING &&
        (signal_interrupts(thread) || (thread->awaited & BIT(sig))))
        sched_make_runnable(thread, -EINTR);
}

void signal_raise_current(int signo)
{
    const struct signal_info info = {.code = SI_KERNEL};
    signal_send_thread(thread_now, signo, &info);
}

/* A thread in sigwait takes what it waits for, blocked or not. */
static bool takes(const struct thread *thread, int sig)
{
    return !(thread->blocked & BIT(sig)) || (thread->awaited & BIT(sig));
}

void signal_send_process(int signo, const struct signal_info *info)
{
    struct thread *target = thread_now->state == THREAD_DEAD ? thread_newest() : thread_now;
    if (!takes(target, signo))
        for (struct thread *t = thread_newest(); t; t = t->older)
            if (takes(t, signo)) {
                target = t;
                break;
            }
    signal_send_thread(target, signo, info);
}

void signal_take_host(void)
{
    if (!__atomic_load_n(&kiln_events.host_signals, __ATOMIC_RELAXED))
        return;
    /* One instruction, which no exit to the monitor can split. */
    uint32_t sent = __atomic_exchange_n(&kiln_events.host_signals, 0, __ATOMIC_RELAXED);
    const struct signal_info from_outside = {.code = SI_USER};
    for (; sent; sent &= sent - 1)
        signal_send_process(__builtin_ctz(sent) + 1, &from_outside);
}

void signal_mask_during_call(uint64_t mask)
{
    struct thread *self = thread_now;
    if (!self->restore_mask) {
        self->mask_after_signal = self->blocked;
        self->restore_mask = true;
    }
    self->blocked = mask & ~UNBLOCKABLE;
}

static const struct {
    uint8_t sig;
    int8_t code;
} fault_signals[KILN_EXCEPTION_VECTORS] = {
    [0] = {SIGFPE, FPE_INTDIV},         [1] = {SIGTRAP, TRAP_TRACE},
    [3] = {SIGTRAP, (int8_t)SI_KERNEL}, [4] = {SIGSEGV, (int8_t)SI_KERNEL},
    [5] = {SIGSEGV, (int8_t)SI_KERNEL}, [6] = {SIGILL, ILL_ILLOPN},
    [12] = {SIGBUS, BUS_ADRERR},        [13] = {SIGSEGV, (int8_t)SI_KERNEL},
    [14] = {SIGSEGV, SEGV_MAPERR},      [16] = {SIGFPE, FPE_FLTINV},
    [17] = {SIGBUS, BUS_ADRALN},        [19] = {SIGFPE, FPE_FLTINV},
};

#define PF_PRESENT 0x1

void signal_fault(const struct kiln_regs *regs, uint32_t vector, uint64_t error, uint64_t address)
{
    struct thread *self = thread_now;
    int sig = vector < KILN_EXCEPTION_VECTORS ? fault_signals[vector].sig : 0;
    if (!sig || !has_handler(sig) || (self->blocked & BIT(sig)))
        die(sig ? sig : SIGSEGV, regs);
    struct signal_info info = {.code = fault_signals[vector].code};
    if (vector == 14) {
        info.code = (error & PF_PRESENT) ? SEGV_ACCERR : SEGV_MAPERR;
        info.addr = address;
    } else if (sig != SIGSEGV) {
        info.addr = regs->rip;
    }
    self->pending |= BIT(sig);
    self->info[sig] = info;
    self->fault_vector = vector;
    self->fault_error = error;
    self->fault_address = vector == 14 ? address : 0;
}

static int lowest(uint64_t set)
{
    return set ? __builtin_ctzll(set) + 1 : 0;
}

static int next_deliverable(const struct thread *self)
{
    uint64_t ready = self->pending & ~self->blocked;
    return lowest(ready & SYNCHRONOUS) ?: lowest(ready);
}

static void run_handler(struct thread *self, int sig, struct kiln_regs *regs)
{
    const struct signal_action *action = &actions[sig];
    uint64_t old_mask = self->restore_mask ? self->mask_after_signal : self->blocked;
    if (!signal_frame_push(self, sig, action, old_mask, regs))
        die(SIGSEGV, regs);
    self->restore_mask = false;
    self->pending &= ~BIT(sig);
    self->blocked |= action->mask & ~UNBLOCKABLE;
    if (!(action->flags & SA_NODEFER))
        self->blocked |= BIT(sig);
    if (action->flags & SA_RESETHAND) {
        actions[sig].handler = (uint64_t)(uintptr_t)SIG_DFL;
        update_fault_vectors();
    }
}

/* The next signal to deliver, the ignored ones before it dropped. */
static int next_not_ignored(struct thread *self)
{
    int sig = next_deliverable(self);
    while (sig && ignored(sig) && !(SYNCHRONOUS & BIT(sig))) {
        self->pending &= ~BIT(sig);
        sig = next_deliverable(self);
    }
    return sig;
}

void signal_return(struct kiln_regs *regs, long syscall_nr)
{
    struct thread *self = thread_now;
    int sig = next_not_ignored(self);
    if (syscall_nr >= 0 && (int64_t)regs->rax == -ERESTARTSYS) {
        if (sig && has_handler(sig) && !(actions[sig].flags & SA_RESTART)) {
            regs->rax = (uint64_t)-EINTR;
        } else {
            regs->rax = (uint64_t)syscall_nr;
            regs->rip -= 2; /* the SYSCALL instruction again */
        }
    }
    /* As on Linux, each signal the handlers' masks let through gets a
     * frame now, so the last one's handler runs first. */
    for (; sig; sig = next_not_ignored(self)) {
        if (!has_handler(sig))
            take_default_action(self, sig, regs);
        run_handler(self, sig, regs);
    }
    if (self->restore_mask) {
        self->blocked = self->mask_after_signal;
        self->restore_mask = false;
    }
}

long kiln_sys_rt_sigreturn(const struct syscall_args *args)
{
    uint64_t mask;
    if (!signal_frame_pop(args->regs, &mask))
        die(SIGSEGV, args->regs);
    thread_now->blocked = mask & ~UNBLOCKABLE;
    return (long)args->regs->rax;
}

long kiln_sys_rt_sigaction(const struct syscall_args *args)
{
    int sig = (int)args->arg1;
    const struct signal_action *act = (const struct signal_action *)(uintptr_t)args->arg2;
    struct signal_action *old = (struct signal_action *)(uintptr_t)args->arg3;

    if (args->arg4 != KERNEL_SIGSET_SIZE || !valid(sig))
        return -EINVAL;
    if (act && (sig == SIGKILL || sig == SIGSTOP))
        return -EINVAL;
    if ((act && !user_range_ok(act, sizeof *act)) || (old && !user_range_ok(old, sizeof *old)))
        return -EFAULT;
    struct signal_action previous = actions[sig];
    if (act) {
        actions[sig] = *act;
        actions[sig].mask &= ~UNBLOCKABLE;
        update_fault_vectors();
        if (ignored(sig))
            for (struct thread *t = thread_newest(); t; t = t->older)
                t->pending &= ~BIT(sig);
    }
    if (old)
        *old = previous;
    return 0;
}

long kiln_sys_rt_sigprocmask(const struct syscall_args *args)
{
    int how = (int)args->arg1;
    const uint64_t *set = (const uint64_t *)(uintptr_t)args->arg2;
    uint64_t *old = (uint64_t *)(uintptr_t)args->arg3;
    struct thread *self = thread_now;

    if (args->arg4 != KERNEL_SIGSET_SIZE)
        return -EINVAL;
    if ((set && !user_range_ok(set, sizeof *set)) || (old && !user_range_ok(old, sizeof *old)))
        return -EFAULT;
    uint64_t previous = self->blocked;
    if (set) {
        switch (how) {
        case SIG_BLOCK:
            self->blocked |= *set;
            break;
        case SIG_UNBLOCK:
            self->blocked &= ~*set;
            break;
        case SIG_SETMASK:
            self->blocked = *set;
            break;
        default:
            return -EINVAL;
        }
        self->blocked &= ~UNBLOCKABLE;
    }
    if (old)
        *old = previous;
    return 0;
}

long kiln_sys_rt_sigpending(const struct syscall_args *args)
{
    uint64_t *set = (uint64_t *)(uintptr_t)args->arg1;
    if (args->arg2 > KERNEL_SIGSET_SIZE)
        return -EINVAL;
    if (!user_range_ok(set, args->arg2))
        return -EFAULT;
    uint64_t pending = thread_now->pending & thread_now->blocked;
    bytes_copy(set, &pending, args->arg2);
    return 0;
}

/* Waits for a signal that runs a handler or ends the run. */
static long wait_for_signal(void)
{
    static struct wait_queue pausing;
    while (sched_wait(&pausing, 0, SCHED_WAIT_SIGNAL, "a signal") != -EINTR)
        continue;
    return -EINTR;
}

long kiln_sys_pause(const struct syscall_args *args)
{
    (void)args;
    return wait_for_signal();
}

long kiln_sys_rt_sigsuspend(const struct syscall_args *args)
{
    const uint64_t *mask = (const uint64_t *)(uintptr_t)args->arg1;
    if (args->arg2 != KERNEL_SIGSET_SIZE)
        return -EINVAL;
    if (!user_range_ok(mask, sizeof *mask))
        return -EFAULT;
    signal_mask_during_call(*mask);
    return wait_for_signal();
}

long kiln_sys_rt_sigtimedwait(const struct syscall_args *args)
{
    const uint64_t *set = (const uint64_t *)(uintptr_t)args->arg1;
    siginfo_t *info = (siginfo_t *)(uintptr_t)args->arg2;
    const struct timespec *timeout = (const struct timespec *)(uintptr_t)args->arg3;
    struct thread *self = thread_now;
    static struct wait_queue waiting;
    int64_t deadline = 0;

    if (args->arg4 != KERNEL_SIGSET_SIZE)
        return -EINVAL;
    if (!user_range_ok(set, sizeof *set) || (info && !user_range_ok(info, sizeof *info)) ||
        (timeout && !user_range_ok(timeout, sizeof *timeout)))
        return -EFAULT;
    if (timeout && !kiln_clock_deadline(CLOCK_MONOTONIC, false, timeout, &deadline))
        return -EINVAL;
    uint64_t wanted = *set & ~UNBLOCKABLE;
    for (;;) {
        int sig = lowest(self->pending & wanted);
        if (sig) {
            self->pending &= ~BIT(sig);
            if (info)
                signal_frame_info(info, sig, &self->info[sig]);
            return sig;
        }
        if (timeout && deadline <= sched_now_ns())
            return -EAGAIN;
        self->awaited = wanted;
        long rc = sched_wait(&waiting, deadline ? deadline : 0, SCHED_WAIT_SIGNAL, "sigtimedwait");
        self->awaited = 0;
        if (rc == -ETIMEDOUT)
            return -EAGAIN;
        if (rc == -EINTR && !(self->pending & wanted))
            return -EINTR;
    }
}

long kiln_sys_sigaltstack(const struct syscall_args *args)
{
    const stack_t *stack = (const stack_t *)(uintptr_t)args->arg1;
    stack_t *old = (stack_t *)(uintptr_t)args->arg2;
    struct thread *self = thread_now;
    bool on = signal_on_altstack(self, args->regs->rsp);

    if ((stack && !user_range_ok(stack, sizeof *stack)) ||
        (old && !user_range_ok(old, sizeof *old)))
        return -EFAULT;
    stack_t previous = {
        .ss_sp = (void *)(uintptr_t)self->altstack_sp,
        .ss_size = self->altstack_size,
        .ss_flags = on                    ? SS_ONSTACK
                    : self->altstack_size ? 0
                                          : SS_DISABLE,
    };
    if (stack) {
        if (on)
            return -EPERM;
        if (stack->ss_flags & ~(SS_DISABLE | SS_AUTODISARM))
            return -EINVAL;
        if (stack->ss_flags & SS_DISABLE) {
            self->altstack_sp = self->altstack_size = 0;
        } else {
            if (stack->ss_size < MINSIGSTKSZ)
                return -ENOMEM;
            self->altstack_sp = (uint64_t)(uintptr_t)stack->ss_sp;
            self->altstack_size = stack->ss_size;
        }
    }
    if (old)
        *old = previous;
    return 0;
}

static long send_to_thread(struct thread *thread, int sig, int code)
{
    if (!thread)
        return -ESRCH;
    if (sig) {
        const struct signal_info info = {.code = code, .pid = OUR_PID};
        signal_send_thread(thread, sig, &info);
    }
    return 0;
}

/* pid 0 (our group), -1 (everyone we may signal) and 1 all mean us. */
long kiln_sys_kill(const struct syscall_args *args)
{
    int pid = (int)args->arg1;
    int sig = (int)args->arg2;

    if (sig != 0 && !valid(sig))
        return -EINVAL;
    if (pid != OUR_PID && pid != 0 && pid != -1)
        return -ESRCH;
    if (sig) {
        const struct signal_info info = {.code = SI_USER, .pid = OUR_PID};
        signal_send_process(sig, &info);
    }
    return 0;
}

long kiln_sys_tkill(const struct syscall_args *args)
{
    int tid = (int)args->arg1;
    int sig = (int)args->arg2;

    if ((sig != 0 && !valid(sig)) || tid <= 0)
        return -EINVAL;
    return send_to_thread(thread_of(tid), sig, SI_TKILL);
}

long kiln_sys_tgkill(const struct syscall_args *args)
{
    int pid = (int)args->arg1;
    int tid = (int)args->arg2;
    int sig = (int)args->arg3;

    if ((sig != 0 && !valid(sig)) || pid <= 0 || tid <= 0)
        return -EINVAL;
    if (pid != OUR_PID)
        return -ESRCH;
    return send_to_thread(thread_of(tid), sig, SI_TKILL);
}

/* sigqueue: a signal with a value, to the process or one thread. */
static long queue_info(struct thread *thread, int sig, const siginfo_t *si)
{
    if (!valid(sig))
        return -EINVAL;
    if (!user_range_ok(si, sizeof *si))
        return -EFAULT;
    if (si->si_code >= 0 || si->si_code == SI_TKILL)
        return -EPERM;
    const struct signal_info info = {
        .code = si->si_code, .pid = OUR_PID, .addr = (uint64_t)(uintptr_t)si->si_value.sival_ptr};
    if (thread)
        signal_send_thread(thread, sig, &info);
    else
        signal_send_process(sig, &info);
    return 0;
}

long kiln_sys_rt_sigqueueinfo(const struct syscall_args *args)
{
    if ((int)args->arg1 != OUR_PID)
        return -ESRCH;
    return queue_info(0, (int)args->arg2, (const siginfo_t *)(uintptr_t)args->arg3);
}

long kiln_sys_rt_tgsigqueueinfo(const struct syscall_args *args)
{
    struct thread *thread = thread_of((int32_t)args->arg2);
    if ((int)args->arg1 != OUR_PID || !thread)
        return -ESRCH;
    return queue_info(thread, (int)args->arg3, (const siginfo_t *)(uintptr_t)args->arg4);
}
