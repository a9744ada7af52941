/*
 * The dispatch: one table indexed by syscall number, bounds-checked, one
 * handler per call.  Calls with no entry (fork, clone, execve and every
 * other one a single-process VM cannot honour) answer ENOSYS and the
 * program keeps running.
 */
#include "syscall.h"
#include "clock.h"
#include "file_attrs.h"
#include "file_dirs.h"
#include "file_names.h"
#include "file_open.h"
#include "file_stat.h"
#include "files.h"
#include "io.h"
#include "memory.h"
#include "process.h"
#include "random.h"
#include <errno.h>
#include <sys/syscall.h>

static syscall_handler *const handlers[] = {
    [SYS_read] = kiln_sys_read,
    [SYS_write] = kiln_sys_write,
    [SYS_open] = kiln_sys_open,
    [SYS_close] = kiln_sys_close,
    [SYS_stat] = kiln_sys_stat,
    [SYS_fstat] = kiln_sys_fstat,
    [SYS_lstat] = kiln_sys_lstat,
    [SYS_lseek] = kiln_sys_lseek,
    [SYS_mmap] = kiln_sys_mmap,
    [SYS_mprotect] = kiln_sys_mprotect,
    [SYS_munmap] = kiln_sys_munmap,
    [SYS_brk] = kiln_sys_brk,
    [SYS_rt_sigaction] = kiln_sys_rt_sigaction,
    [SYS_rt_sigprocmask] = kiln_sys_rt_sigprocmask,
    [SYS_ioctl] = kiln_sys_ioctl,
    [SYS_pread64] = kiln_sys_pread64,
    [SYS_pwrite64] = kiln_sys_pwrite64,
    [SYS_readv] = kiln_sys_readv,
    [SYS_writev] = kiln_sys_writev,
    [SYS_access] = kiln_sys_access,
    [SYS_sched_yield] = kiln_sys_sched_yield,
    [SYS_mremap] = kiln_sys_mremap,
    [SYS_madvise] = kiln_sys_madvise,
    [SYS_dup] = kiln_sys_dup,
    [SYS_dup2] = kiln_sys_dup2,
    [SYS_nanosleep] = kiln_sys_nanosleep,
    [SYS_getpid] = kiln_sys_getpid,
    [SYS_exit] = kiln_sys_exit,
    [SYS_kill] = kiln_sys_kill,
    [SYS_uname] = kiln_sys_uname,
    [SYS_fcntl] = kiln_sys_fcntl,
    [SYS_fsync] = kiln_sys_fsync,
    [SYS_fdatasync] = kiln_sys_fsync,
    [SYS_truncate] = kiln_sys_truncate,
    [SYS_ftruncate] = kiln_sys_ftruncate,
    [SYS_getcwd] = kiln_sys_getcwd,
    [SYS_chdir] = kiln_sys_chdir,
    [SYS_fchdir] = kiln_sys_fchdir,
    [SYS_rename] = kiln_sys_rename,
    [SYS_mkdir] = kiln_sys_mkdir,
    [SYS_rmdir] = kiln_sys_rmdir,
    [SYS_creat] = kiln_sys_creat,
    [SYS_link] = kiln_sys_link,
    [SYS_unlink] = kiln_sys_unlink,
    [SYS_symlink] = kiln_sys_symlink,
    [SYS_readlink] = kiln_sys_readlink,
    [SYS_chmod] = kiln_sys_chmod,
    [SYS_fchmod] = kiln_sys_fchmod,
    [SYS_chown] = kiln_sys_chown,
    [SYS_fchown] = kiln_sys_fchown,
    [SYS_lchown] = kiln_sys_lchown,
    [SYS_umask] = kiln_sys_umask,
    [SYS_gettimeofday] = kiln_sys_gettimeofday,
    [SYS_getrlimit] = kiln_sys_getrlimit,
    [SYS_sysinfo] = kiln_sys_sysinfo,
    [SYS_getuid] = kiln_sys_user_or_group_id,
    [SYS_getgid] = kiln_sys_user_or_group_id,
    [SYS_geteuid] = kiln_sys_user_or_group_id,
    [SYS_getegid] = kiln_sys_user_or_group_id,
    [SYS_getppid] = kiln_sys_getppid,
    [SYS_utimes] = kiln_sys_utimes,
    [SYS_sigaltstack] = kiln_sys_sigaltstack,
    [SYS_arch_prctl] = kiln_sys_arch_prctl,
    [SYS_setrlimit] = kiln_sys_setrlimit,
    [SYS_sync] = kiln_sys_sync,
    [SYS_gettid] = kiln_sys_gettid,
    [SYS_tkill] = kiln_sys_tkill,
    [SYS_time] = kiln_sys_time,
    [SYS_getdents64] = kiln_sys_getdents64,
    [SYS_set_tid_address] = kiln_sys_set_tid_address,
    [SYS_clock_gettime] = kiln_sys_clock_gettime,
    [SYS_clock_getres] = kiln_sys_clock_getres,
    [SYS_clock_nanosleep] = kiln_sys_clock_nanosleep,
    [SYS_exit_group] = kiln_sys_exit,
    [SYS_tgkill] = kiln_sys_tgkill,
    [SYS_openat] = kiln_sys_openat,
    [SYS_mkdirat] = kiln_sys_mkdirat,
    [SYS_fchownat] = kiln_sys_fchownat,
    [SYS_futimesat] = kiln_sys_futimesat,
    [SYS_newfstatat] = kiln_sys_newfstatat,
    [SYS_unlinkat] = kiln_sys_unlinkat,
    [SYS_renameat] = kiln_sys_renameat,
    [SYS_linkat] = kiln_sys_linkat,
    [SYS_symlinkat] = kiln_sys_symlinkat,
    [SYS_readlinkat] = kiln_sys_readlinkat,
    [SYS_fchmodat] = kiln_sys_fchmodat,
    [SYS_faccessat] = kiln_sys_faccessat,
    [SYS_utimensat] = kiln_sys_utimensat,
    [SYS_dup3] = kiln_sys_dup3,
    [SYS_preadv] = kiln_sys_preadv,
    [SYS_pwritev] = kiln_sys_pwritev,
    [SYS_prlimit64] = kiln_sys_prlimit64,
    [SYS_syncfs] = kiln_sys_sync,
    [SYS_renameat2] = kiln_sys_renameat2,
    [SYS_getrandom] = kiln_sys_getrandom,
    [SYS_preadv2] = kiln_sys_preadv2,
    [SYS_pwritev2] = kiln_sys_pwritev2,
    [SYS_statx] = kiln_sys_statx,
    [SYS_close_range] = kiln_sys_close_range,
    [SYS_faccessat2] = kiln_sys_faccessat2,
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
