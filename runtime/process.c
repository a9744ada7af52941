/*
 * One process: pid 1 (its first thread's tid), parent 0, uid and gid 0,
 * running "Linux" on x86-64; its limits.  Threads are thread.c's,
 * signals signal.c's.
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

#define PARENT_PID       0
#define ARCH_SET_FS      0x1002
#define ARCH_GET_FS      0x1003
#define OPEN_FILES_LIMIT 1024
#define NS_PER_SEC       1000000000ull
/* The kernel's struct sysinfo ends at mem_unit; musl's adds padding a
 * program's buffer need not have. */
#define KERNEL_SYSINFO_SIZE (offsetof(struct sysinfo, mem_unit) + sizeof(unsigned))

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

/* getuid, geteuid, getgid, getegid: root. */
long kiln_sys_user_or_group_id(const struct syscall_args *args)
{
    (void)args;
    return 0;
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
