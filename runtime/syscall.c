/*
 * The dispatch: one table indexed by syscall number, bounds-checked, one
 * handler per call.  Calls with no entry (fork, clone, execve and every
 * other one a single-process VM cannot honour) answer ENOSYS and the
 * program keeps running.
 */
#include "syscall.h"
#include "clock.h"
#include "io.h"
#include "memory.h"
#include "process.h"
#include "random.h"
#include <errno.h>
#include <sys/syscall.h>

static syscall_handler *const handlers[] = {
    [SYS_read] = kiln_sys_read,
    [SYS_write] = kiln_sys_write,
    [SYS_open] = kiln_sys_no_such_file,
    [SYS_close] = kiln_sys_close,
    [SYS_stat] = kiln_sys_no_such_file,
    [SYS_fstat] = kiln_sys_fstat,
    [SYS_lstat] = kiln_sys_no_such_file,
    [SYS_lseek] = kiln_sys_lseek,
    [SYS_mmap] = kiln_sys_mmap,
    [SYS_mprotect] = kiln_sys_mprotect,
    [SYS_munmap] = kiln_sys_munmap,
    [SYS_brk] = kiln_sys_brk,
    [SYS_rt_sigaction] = kiln_sys_rt_sigaction,
    [SYS_rt_sigprocmask] = kiln_sys_rt_sigprocmask,
    [SYS_ioctl] = kiln_sys_ioctl,
    [SYS_pread64] = kiln_sys_positioned_io,
    [SYS_pwrite64] = kiln_sys_positioned_io,
    [SYS_readv] = kiln_sys_readv,
    [SYS_writev] = kiln_sys_writev,
    [SYS_access] = kiln_sys_no_such_file,
    [SYS_sched_yield] = kiln_sys_sched_yield,
    [SYS_mremap] = kiln_sys_mremap,
    [SYS_madvise] = kiln_sys_madvise,
    [SYS_nanosleep] = kiln_sys_nanosleep,
    [SYS_getpid] = kiln_sys_getpid,
    [SYS_exit] = kiln_sys_exit,
    [SYS_kill] = kiln_sys_kill,
    [SYS_uname] = kiln_sys_uname,
    [SYS_fcntl] = kiln_sys_fcntl,
    [SYS_creat] = kiln_sys_no_such_file,
    [SYS_readlink] = kiln_sys_no_such_file,
    [SYS_gettimeofday] = kiln_sys_gettimeofday,
    [SYS_getrlimit] = kiln_sys_getrlimit,
    [SYS_sysinfo] = kiln_sys_sysinfo,
    [SYS_getuid] = kiln_sys_user_or_group_id,
    [SYS_getgid] = kiln_sys_user_or_group_id,
    [SYS_geteuid] = kiln_sys_user_or_group_id,
    [SYS_getegid] = kiln_sys_user_or_group_id,
    [SYS_getppid] = kiln_sys_getppid,
    [SYS_sigaltstack] = kiln_sys_sigaltstack,
    [SYS_arch_prctl] = kiln_sys_arch_prctl,
    [SYS_setrlimit] = kiln_sys_setrlimit,
    [SYS_gettid] = kiln_sys_gettid,
    [SYS_tkill] = kiln_sys_tkill,
    [SYS_time] = kiln_sys_time,
    [SYS_set_tid_address] = kiln_sys_set_tid_address,
    [SYS_clock_gettime] = kiln_sys_clock_gettime,
    [SYS_clock_getres] = kiln_sys_clock_getres,
    [SYS_clock_nanosleep] = kiln_sys_clock_nanosleep,
    [SYS_exit_group] = kiln_sys_exit,
    [SYS_tgkill] = kiln_sys_tgkill,
    [SYS_openat] = kiln_sys_no_such_file,
    [SYS_newfstatat] = kiln_sys_newfstatat,
    [SYS_readlinkat] = kiln_sys_no_such_file,
    [SYS_faccessat] = kiln_sys_no_such_file,
    [SYS_preadv] = kiln_sys_positioned_io,
    [SYS_pwritev] = kiln_sys_positioned_io,
    [SYS_prlimit64] = kiln_sys_prlimit64,
    [SYS_getrandom] = kiln_sys_getrandom,
    [SYS_preadv2] = kiln_sys_positioned_io,
    [SYS_pwritev2] = kiln_sys_positioned_io,
    [SYS_statx] = kiln_sys_statx,
    [SYS_faccessat2] = kiln_sys_no_such_file,
};

#define HANDLER_COUNT (sizeof handlers / sizeof handlers[0])

/* As on Linux, only the low 32 bits of the number count. */
long kiln_syscall(long nr, long a1, long a2, long a3, long a4, long a5, long a6,
                  const struct syscall_frame *frame)
{
    unsigned int number = (unsigned int)nr;

    if (number >= HANDLER_COUNT || !handlers[number])
        return -ENOSYS;
    struct syscall_args args = {
        .arg1 = (uint64_t)a1,
        .arg2 = (uint64_t)a2,
        .arg3 = (uint64_t)a3,
        .arg4 = (uint64_t)a4,
        .arg5 = (uint64_t)a5,
        .arg6 = (uint64_t)a6,
        .frame = frame,
    };
    return handlers[number](&args);
}
