/*
 * Threads as pthread_create makes them: clone with CLONE_VM and the
 * flags that go with it.  The new thread starts at the instruction after
 * the parent's SYSCALL with RAX 0, its own stack and FS base, and a copy
 * of the parent's other registers and x87/SSE state: kiln_resume puts
 * them back the first time kiln_switch runs it.  fork and vfork (clone
 * without CLONE_VM, or with CLONE_VFORK) stay ENOSYS: one process per VM.
 */
#define _GNU_SOURCE
#include "thread.h"
#include "bounce.h"
#include "bytes.h"
#include "futex.h"
#include "hypercall.h"
#include "memory.h"
#include "response.h"
#include "user_range.h"
#include <errno.h>
#include <sched.h>
#include <stddef.h>

#define THREAD_FLAGS (CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD)
#define ACCEPTED_FLAGS                                                                             \
    (THREAD_FLAGS | CLONE_SYSVSEM | CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID |    \
     CLONE_CHILD_SETTID | CLONE_DETACHED | CLONE_IO)
#define EXIT_SIGNAL_MASK 0xffull /* clone's low byte: the signal a child's end sends */
#define THREAD_PAGES     ((sizeof(struct thread) + 4095) & ~4095ull)
#define CPU_MASK_BYTES   8
/* The 6 registers kiln_switch pops, then its return address. */
#define SWITCH_FRAME_WORDS 7

_Static_assert(offsetof(struct thread, fpu) == 0, "fxsave64 needs 16-byte alignment");

static struct thread first_thread = {.tid = 1, .state = THREAD_RUNNABLE};
struct thread *thread_now = &first_thread;
static struct thread *newest = &first_thread;
static struct thread *spare; /* exited threads, linked through next */
static int live = 1;
static int32_t next_tid = 2;

struct thread *thread_newest(void)
{
    return newest;
}

int thread_count(void)
{
    return live;
}

int thread_current_tid(void)
{
    return thread_now->tid;
}

struct thread *thread_of(int32_t tid)
{
    for (struct thread *t = newest; t; t = t->older)
        if (t->tid == tid)
            return t;
    return 0;
}

static struct thread *thread_alloc(void)
{
    struct thread *thread = spare;
    if (thread) {
        spare = thread->next;
        bytes_zero(thread, sizeof *thread);
    } else {
        thread = kiln_pages_alloc(THREAD_PAGES);
        if (!thread)
            return 0;
    }
    thread->from_pages = true;
    return thread;
}

/* The child's registers on its own stack, below what kiln_resume needs,
 * and under them a frame for kiln_switch that returns into kiln_resume. */
static void prepare_stack(struct thread *child, const struct kiln_regs *parent, uint64_t stack)
{
    uint64_t at = (stack - RESUME_GAP - sizeof(struct kiln_regs)) & ~15ull;
    struct kiln_regs *regs = (struct kiln_regs *)(uintptr_t)at;
    *regs = *parent;
    regs->rax = 0;
    regs->rsp = stack;
    uint64_t *frame = (uint64_t *)(uintptr_t)at - SWITCH_FRAME_WORDS;
    bytes_zero(frame, (SWITCH_FRAME_WORDS - 1) * sizeof *frame);
    frame[SWITCH_FRAME_WORDS - 1] = (uint64_t)(uintptr_t)kiln_resume_on_stack;
    child->sp = (uint64_t)(uintptr_t)frame;
}

static bool pointer_ok(uint64_t flags, uint64_t flag, const int32_t *where)
{
    return !(flags & flag) || user_range_ok(where, sizeof *where);
}

static long spawn(const struct syscall_args *args, uint64_t flags, uint64_t stack,
                  int32_t *parent_tid, int32_t *child_tid, uint64_t tls)
{
    if ((flags & THREAD_FLAGS) != THREAD_FLAGS || (flags & CLONE_VFORK))
        return -ENOSYS;
    if ((flags & ~(ACCEPTED_FLAGS | EXIT_SIGNAL_MASK)) || !stack)
        return -EINVAL;
    uint64_t reach = RESUME_GAP + sizeof(struct kiln_regs) + SWITCH_FRAME_WORDS * 8 + 16;
    if (stack < reach || !user_range_ok((void *)(uintptr_t)(stack - reach), reach) ||
        !pointer_ok(flags, CLONE_PARENT_SETTID, parent_tid) ||
        !pointer_ok(flags, CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID, child_tid))
        return -EFAULT;
    if ((flags & CLONE_SETTLS) && tls >= USER_ADDRESS_END)
        return -EPERM;
    struct thread *child = thread_alloc();
    if (!child)
        return -EAGAIN;
    child->tid = next_tid++;
    __asm__ volatile("fxsave64 %0" : "=m"(child->fpu));
    if (flags & CLONE_SETTLS)
        child->fs_base = tls;
    else
        __asm__ volatile("rdfsbase %0" : "=r"(child->fs_base));
    child->blocked = thread_now->blocked;
    child->clear_tid = (flags & CLONE_CHILD_CLEARTID) ? (uint32_t *)child_tid : 0;
    if (flags & CLONE_PARENT_SETTID)
        *parent_tid = child->tid;
    if (flags & CLONE_CHILD_SETTID)
        *child_tid = child->tid;
    prepare_stack(child, args->regs, stack);
    child->older = newest;
    newest = child;
    live++;
    sched_thread_started(child);
    return child->tid;
}

long kiln_sys_clone(const struct syscall_args *args)
{
    return spawn(args, args->arg1, args->arg2, (int32_t *)(uintptr_t)args->arg3,
                 (int32_t *)(uintptr_t)args->arg4, args->arg5);
}

/* The kernel's struct clone_args, version 0 (64 bytes) and later. */
struct clone_args_v0 {
    uint64_t flags;
    uint64_t pidfd;
    uint64_t child_tid;
    uint64_t parent_tid;
    uint64_t exit_signal;
    uint64_t stack;
    uint64_t stack_size;
    uint64_t tls;
};

long kiln_sys_clone3(const struct syscall_args *args)
{
    const struct clone_args_v0 *ca = (const struct clone_args_v0 *)(uintptr_t)args->arg1;
    if (args->arg2 < sizeof *ca)
        return -EINVAL;
    if (!user_range_ok(ca, sizeof *ca))
        return -EFAULT;
    struct clone_args_v0 c = *ca;
    if (c.exit_signal > EXIT_SIGNAL_MASK || (c.flags & EXIT_SIGNAL_MASK) ||
        c.stack_size > UINT64_MAX - c.stack)
        return -EINVAL;
    return spawn(args, c.flags, c.stack + c.stack_size, (int32_t *)(uintptr_t)c.parent_tid,
                 (int32_t *)(uintptr_t)c.child_tid, c.tls);
}

static void forget(struct thread *thread)
{
    struct thread **link = &newest;
    while (*link != thread)
        link = &(*link)->older;
    *link = thread->older;
    live--;
}

/* The last thread's end is the process's. */
long kiln_sys_exit(const struct syscall_args *args)
{
    struct thread *self = thread_now;
    if (live == 1)
        return kiln_sys_exit_group(args);
    uint32_t *clear = self->clear_tid;
    if (clear && user_range_ok(clear, sizeof *clear)) {
        *clear = 0;
        futex_wake_address((uint64_t)(uintptr_t)clear, 1);
    }
    forget(self);
    self->state = THREAD_DEAD;
    if (self->from_pages) {
        self->next = spare;
        spare = self;
    }
    sched_thread_exited();
}

/* Under kiln serve the gathered stdout goes with the status. */
void thread_exit_group(int32_t status)
{
    if (kiln_response_active())
        kiln_response_finish(status);
    hypercall_exit(status);
}

long kiln_sys_exit_group(const struct syscall_args *args)
{
    thread_exit_group((int32_t)args->arg1);
}

long kiln_sys_gettid(const struct syscall_args *args)
{
    (void)args;
    return thread_now->tid;
}

long kiln_sys_set_tid_address(const struct syscall_args *args)
{
    thread_now->clear_tid = (uint32_t *)(uintptr_t)args->arg1;
    return thread_now->tid;
}

/* musl and glibc walk their robust lists themselves when a thread exits;
 * a dying process takes its VM with it, so nothing is left to clean. */
long kiln_sys_set_robust_list(const struct syscall_args *args)
{
    return args->arg2 == 3 * sizeof(uint64_t) ? 0 : -EINVAL;
}

static bool pid_is_us(int32_t pid)
{
    return pid == 0 || thread_of(pid);
}

/* One CPU, number 0. */
long kiln_sys_sched_getaffinity(const struct syscall_args *args)
{
    uint8_t *mask = (uint8_t *)(uintptr_t)args->arg3;
    if (!pid_is_us((int32_t)args->arg1))
        return -ESRCH;
    if (args->arg2 < CPU_MASK_BYTES || (args->arg2 & (sizeof(uint64_t) - 1)))
        return -EINVAL;
    if (!user_range_ok(mask, CPU_MASK_BYTES))
        return -EFAULT;
    bytes_zero(mask, CPU_MASK_BYTES);
    mask[0] = 1;
    return CPU_MASK_BYTES;
}

long kiln_sys_sched_setaffinity(const struct syscall_args *args)
{
    const uint8_t *mask = (const uint8_t *)(uintptr_t)args->arg3;
    if (!pid_is_us((int32_t)args->arg1))
        return -ESRCH;
    if (args->arg2 == 0)
        return -EINVAL;
    if (!user_range_ok(mask, 1))
        return -EFAULT;
    return (mask[0] & 1) ? 0 : -EINVAL;
}
