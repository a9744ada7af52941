/*
 * The dispatch: one table indexed by syscall number, bounds-checked, one
 * handler per call.  Calls with no entry (fork, execve and every other one
 * a single-process VM cannot honour) answer ENOSYS and the program keeps
 * running.  On the way out, upcall_leave may start a signal's handler.
 */
#include "syscall.h"
#include "clock.h"
#include "epoll.h"
#include "eventfd.h"
#include "file_attrs.h"
#include "file_dirs.h"
#include "file_names.h"
#include "file_open.h"
#include "file_stat.h"
#include "files.h"
#include "futex.h"
#include "io.h"
#include "memory.h"
#include "pipe.h"
#include "poll.h"
#include "process.h"
#include "random.h"
#include "signal.h"
#include "strace.h"
#include "thread.h"
#include "timerfd.h"
#include "timers.h"
#include "upcall.h"
#include <errno.h>
#include <stdbool.h>
#include <sys/syscall.h>

static syscall_handler *const handlers[] = {
    [SYS_read] = kiln_sys_read,
    [SYS_write] = kiln_sys_write,
    [SYS_open] = kiln_sys_open,
    [SYS_close] = kiln_sys_close,
    [SYS_stat] = kiln_sys_stat,
    [SYS_fstat] = kiln_sys_fstat,
    [SYS_lstat] = kiln_sys_lstat,
    [SYS_poll] = kiln_sys_poll,
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
    [SYS_pipe] = kiln_sys_pipe,
    [SYS_select] = kiln_sys_select,
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
    [SYS_exit_group] = kiln_sys_exit_group,
    [SYS_epoll_wait] = kiln_sys_epoll_wait,
    [SYS_epoll_ctl] = kiln_sys_epoll_ctl,
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
    [SYS_pselect6] = kiln_sys_pselect6,
    [SYS_ppoll] = kiln_sys_ppoll,
    [SYS_utimensat] = kiln_sys_utimensat,
    [SYS_epoll_pwait] = kiln_sys_epoll_pwait,
    [SYS_timerfd_create] = kiln_sys_timerfd_create,
    [SYS_eventfd] = kiln_sys_eventfd,
    [SYS_timerfd_settime] = kiln_sys_timerfd_settime,
    [SYS_timerfd_gettime] = kiln_sys_timerfd_gettime,
    [SYS_eventfd2] = kiln_sys_eventfd2,
    [SYS_epoll_create1] = kiln_sys_epoll_create1,
    [SYS_dup3] = kiln_sys_dup3,
    [SYS_pipe2] = kiln_sys_pipe2,
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
    [SYS_epoll_pwait2] = kiln_sys_epoll_pwait2,
    [SYS_rt_sigreturn] = kiln_sys_rt_sigreturn,
    [SYS_pause] = kiln_sys_pause,
    [SYS_alarm] = kiln_sys_alarm,
    [SYS_getitimer] = kiln_sys_getitimer,
    [SYS_setitimer] = kiln_sys_setitimer,
    [SYS_clone] = kiln_sys_clone,
    [SYS_rt_sigpending] = kiln_sys_rt_sigpending,
    [SYS_rt_sigtimedwait] = kiln_sys_rt_sigtimedwait,
    [SYS_rt_sigqueueinfo] = kiln_sys_rt_sigqueueinfo,
    [SYS_rt_sigsuspend] = kiln_sys_rt_sigsuspend,
    [SYS_futex] = kiln_sys_futex,
    [SYS_sched_setaffinity] = kiln_sys_sched_setaffinity,
    [SYS_sched_getaffinity] = kiln_sys_sched_getaffinity,
    [SYS_epoll_create] = kiln_sys_epoll_create,
    [SYS_timer_create] = kiln_sys_timer_create,
    [SYS_timer_settime] = kiln_sys_timer_settime,
    [SYS_timer_gettime] = kiln_sys_timer_gettime,
    [SYS_timer_getoverrun] = kiln_sys_timer_getoverrun,
    [SYS_timer_delete] = kiln_sys_timer_delete,
    [SYS_rt_tgsigqueueinfo] = kiln_sys_rt_tgsigqueueinfo,
    [SYS_set_robust_list] = kiln_sys_set_robust_list,
    [SYS_clone3] = kiln_sys_clone3,
};

#define HANDLER_COUNT (sizeof handlers / sizeof handlers[0])

/* Calls that never return to their caller: strace shows them first. */
static bool returns(unsigned int number)
{
    return number != SYS_exit && number != SYS_exit_group && number != SYS_rt_sigreturn;
}

/* As on Linux, only the low 32 bits of the number count. */
void kiln_syscall(struct kiln_regs *regs)
{
    unsigned int number = (unsigned int)regs->rax;
    struct syscall_args args = {
        .arg1 = regs->rdi,
        .arg2 = regs->rsi,
        .arg3 = regs->rdx,
        .arg4 = regs->r10,
        .arg5 = regs->r8,
        .arg6 = regs->r9,
        .regs = regs,
    };
    if (!returns(number))
        strace_report(number, &args, 0);
    long result = number < HANDLER_COUNT && handlers[number] ? handlers[number](&args) : -ENOSYS;
    if (number == SYS_rt_sigreturn) {
        upcall_leave(regs, -1);
        return;
    }
    strace_report(number, &args, result);
    regs->rax = (uint64_t)result;
    upcall_leave(regs, number);
}
