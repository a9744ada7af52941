/*
 * One process with one thread: pid and tid 1, parent 0, uid and gid 0.
 * Signal handlers are accepted and never run: the only signals are the
 * ones the program sends itself, and a fatal one ends the run as a crash
 * the monitor reports (abort() is tkill(SIGABRT)).
 */
#define _GNU_SOURCE
#include "process.h"
#include "boot_info.h"
#include "bytes.h"
#include "clock.h"
#include "hypercall.h"
#include "memory.h"
#include "response.h"
#include "user_range.h"
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/resource.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>

#define OUR_PID     1
#define OUR_TID     1
#define PARENT_PID  0
#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003
/* wrfsbase faults on a non-canonical address; Linux refuses with EPERM
 * any address past the user half. */
#define USER_ADDRESS_END      0x800000000000ull
#define KERNEL_SIGSET_SIZE    8
#define KERNEL_SIGACTION_SIZE 32 /* handler, flags, restorer, mask */
#define SIGNAL_MAX            64
#define EXIT_STATUS_SIGNALED  128
#define OPEN_FILES_LIMIT      1024
#define NS_PER_SEC            1000000000ull
/* The kernel's struct sysinfo ends at mem_unit; musl's adds padding a
 * program's buffer need not have. */
#define KERNEL_SYSINFO_SIZE (offsetof(struct sysinfo, mem_unit) + sizeof(unsigned))

/* exit and exit_group alike: there is one thread.  Under kiln serve the
 * gathered stdout goes with the status. */
long kiln_sys_exit(const struct syscall_args *args)
{
    if (kiln_response_active())
        kiln_response_finish((int32_t)args->arg1);
    hypercall_exit((int32_t)args->arg1);
}

long kiln_sys_getpid(const struct syscall_args *args)
{
    (void)args;
    return OUR_PID;
}

long kiln_sys_getppid(const struct syscall_args *args)
{
    (void)args;
    return PARENT_PID;
}

long kiln_sys_gettid(const struct syscall_args *args)
{
    (void)args;
    return OUR_TID;
}

/* getuid, geteuid, getgid, getegid: root. */
long kiln_sys_user_or_group_id(const struct syscall_args *args)
{
    (void)args;
    return 0;
}

/* The clear-tid address only matters when a thread exits; there is one. */
long kiln_sys_set_tid_address(const struct syscall_args *args)
{
    (void)args;
    return OUR_TID;
}

static void copy_text(char *field, const char *text)
{
    while ((*field++ = *text++))
        ;
}

long kiln_sys_uname(const struct syscall_args *args)
{
    struct utsname *name = (struct utsname *)(uintptr_t)args->arg1;

    if (!user_range_ok(name, sizeof *name))
        return -EFAULT;
    bytes_zero(name, sizeof *name);
    copy_text(name->sysname, "Linux");
    copy_text(name->nodename, "kiln");
    copy_text(name->release, "6.1.0-kiln");
    copy_text(name->version, "kiln");
    copy_text(name->machine, "x86_64");
    copy_text(name->domainname, "(none)");
    return 0;
}

/* CR4.FSGSBASE is on, so the FS base is set at ring 3 with no exit. */
long kiln_sys_arch_prctl(const struct syscall_args *args)
{
    uint64_t value = args->arg2;
    uint64_t *out = (uint64_t *)(uintptr_t)args->arg2;

    switch ((int)args->arg1) {
    case ARCH_SET_FS:
        if (value >= USER_ADDRESS_END)
            return -EPERM;
        __asm__ volatile("wrfsbase %0" : : "r"(value) : "memory");
        return 0;
    case ARCH_GET_FS:
        if (!user_range_ok(out, sizeof *out))
            return -EFAULT;
        __asm__ volatile("rdfsbase %0" : "=r"(value));
        *out = value;
        return 0;
    default:
        return -EINVAL;
    }
}

long kiln_sys_sched_yield(const struct syscall_args *args)
{
    (void)args;
    return 0;
}

/* Accepted and forgotten; the old action reads as SIG_DFL. */
long kiln_sys_rt_sigaction(const struct syscall_args *args)
{
    int sig = (int)args->arg1;
    void *old = (void *)(uintptr_t)args->arg3;

    if (args->arg4 != KERNEL_SIGSET_SIZE || sig < 1 || sig > SIGNAL_MAX)
        return -EINVAL;
    if (args->arg2 && (sig == SIGKILL || sig == SIGSTOP))
        return -EINVAL;
    if (old && !user_range_ok(old, KERNEL_SIGACTION_SIZE))
        return -EFAULT;
    if (old)
        bytes_zero(old, KERNEL_SIGACTION_SIZE);
    return 0;
}

/* Accepted and forgotten; the old mask reads as empty. */
long kiln_sys_rt_sigprocmask(const struct syscall_args *args)
{
    int how = (int)args->arg1;
    const void *set = (const void *)(uintptr_t)args->arg2;
    void *old = (void *)(uintptr_t)args->arg3;

    if (args->arg4 != KERNEL_SIGSET_SIZE)
        return -EINVAL;
    if (set && how != SIG_BLOCK && how != SIG_UNBLOCK && how != SIG_SETMASK)
        return -EINVAL;
    if ((set && !user_range_ok(set, KERNEL_SIGSET_SIZE)) ||
        (old && !user_range_ok(old, KERNEL_SIGSET_SIZE)))
        return -EFAULT;
    if (old)
        bytes_zero(old, KERNEL_SIGSET_SIZE);
    return 0;
}

/* Accepted and forgotten; the old stack reads as disabled. */
long kiln_sys_sigaltstack(const struct syscall_args *args)
{
    const stack_t *stack = (const stack_t *)(uintptr_t)args->arg1;
    stack_t *old = (stack_t *)(uintptr_t)args->arg2;

    if ((stack && !user_range_ok(stack, sizeof *stack)) ||
        (old && !user_range_ok(old, sizeof *old)))
        return -EFAULT;
    if (old)
        *old = (stack_t){.ss_sp = 0, .ss_flags = SS_DISABLE, .ss_size = 0};
    return 0;
}

/* Signals whose default action is to ignore, or to stop: with no job
 * control nothing would ever continue us, so a stop changes nothing. */
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

/* Every other signal kills: the monitor reports it and ends the run.  Were
 * the ABORT call ever to return, exit as a shell shows a signal death. */
static long deliver_to_self(int sig, const struct syscall_frame *frame)
{
    if (sig == 0 || ignored_by_default(sig))
        return 0;
    hypercall_abort(KILN_ABORT_SIGNAL, (uint32_t)sig, frame);
    hypercall_exit(EXIT_STATUS_SIGNALED + sig);
}

static bool signal_valid(int sig)
{
    return sig >= 0 && sig <= SIGNAL_MAX;
}

/* pid 0 (our group), -1 (everyone we may signal), 1 and -1 as a group
 * all come down to us. */
long kiln_sys_kill(const struct syscall_args *args)
{
    int pid = (int)args->arg1;
    int sig = (int)args->arg2;

    if (!signal_valid(sig))
        return -EINVAL;
    if (pid != OUR_PID && pid != 0 && pid != -1)
        return -ESRCH;
    return deliver_to_self(sig, args->frame);
}

long kiln_sys_tkill(const struct syscall_args *args)
{
    int tid = (int)args->arg1;
    int sig = (int)args->arg2;

    if (!signal_valid(sig) || tid <= 0)
        return -EINVAL;
    if (tid != OUR_TID)
        return -ESRCH;
    return deliver_to_self(sig, args->frame);
}

long kiln_sys_tgkill(const struct syscall_args *args)
{
    int pid = (int)args->arg1;
    int tid = (int)args->arg2;
    int sig = (int)args->arg3;

    if (!signal_valid(sig) || pid <= 0 || tid <= 0)
        return -EINVAL;
    if (pid != OUR_PID || tid != OUR_TID)
        return -ESRCH;
    return deliver_to_self(sig, args->frame);
}

/* The stack is the boot info's; the rest are Linux's defaults. */
static struct rlimit limit_of(unsigned resource)
{
    const struct kiln_boot_info *info = boot_info();
    rlim_t stack = info->stack_top - info->stack_bottom;

    switch (resource) {
    case RLIMIT_STACK:
        return (struct rlimit){.rlim_cur = stack, .rlim_max = stack};
    case RLIMIT_NOFILE:
        return (struct rlimit){.rlim_cur = OPEN_FILES_LIMIT, .rlim_max = OPEN_FILES_LIMIT};
    default:
        return (struct rlimit){.rlim_cur = RLIM_INFINITY, .rlim_max = RLIM_INFINITY};
    }
}

/* New limits are accepted and forgotten. */
static long exchange_limit(unsigned resource, const struct rlimit *new_limit,
                           struct rlimit *old_limit)
{
    if (resource >= RLIM_NLIMITS)
        return -EINVAL;
    if ((new_limit && !user_range_ok(new_limit, sizeof *new_limit)) ||
        (old_limit && !user_range_ok(old_limit, sizeof *old_limit)))
        return -EFAULT;
    if (new_limit && new_limit->rlim_cur > new_limit->rlim_max)
        return -EINVAL;
    if (old_limit)
        *old_limit = limit_of(resource);
    return 0;
}

long kiln_sys_getrlimit(const struct syscall_args *args)
{
    struct rlimit *old_limit = (struct rlimit *)(uintptr_t)args->arg2;

    if (!old_limit)
        return -EFAULT;
    return exchange_limit((unsigned)args->arg1, NULL, old_limit);
}

long kiln_sys_setrlimit(const struct syscall_args *args)
{
    const struct rlimit *new_limit = (const struct rlimit *)(uintptr_t)args->arg2;

    if (!new_limit)
        return -EFAULT;
    return exchange_limit((unsigned)args->arg1, new_limit, NULL);
}

long kiln_sys_prlimit64(const struct syscall_args *args)
{
    int pid = (int)args->arg1;

    if (pid != 0 && pid != OUR_PID)
        return -ESRCH;
    return exchange_limit((unsigned)args->arg2, (const struct rlimit *)(uintptr_t)args->arg3,
                          (struct rlimit *)(uintptr_t)args->arg4);
}

long kiln_sys_sysinfo(const struct syscall_args *args)
{
    struct sysinfo *info = (struct sysinfo *)(uintptr_t)args->arg1;

    if (!user_range_ok(info, KERNEL_SYSINFO_SIZE))
        return -EFAULT;
    bytes_zero(info, KERNEL_SYSINFO_SIZE);
    info->uptime = kiln_clock_since_boot_ns() / NS_PER_SEC;
    info->totalram = boot_info()->mem_size;
    info->freeram = kiln_memory_free_bytes();
    info->procs = 1;
    info->mem_unit = 1;
    return 0;
}
