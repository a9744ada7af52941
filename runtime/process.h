/*
 * The process as the program sees it: one process, pid 1, root, running
 * "Linux" on x86-64, and its limits.
 */
#ifndef KILN_RUNTIME_PROCESS_H
#define KILN_RUNTIME_PROCESS_H

#include "syscall.h"

/* The one process: its pid, which is its first thread's tid. */
#define OUR_PID 1

syscall_handler kiln_sys_getpid;
syscall_handler kiln_sys_getppid;
syscall_handler kiln_sys_user_or_group_id;
syscall_handler kiln_sys_uname;
syscall_handler kiln_sys_arch_prctl;
syscall_handler kiln_sys_getrlimit;
syscall_handler kiln_sys_setrlimit;
syscall_handler kiln_sys_prlimit64;
syscall_handler kiln_sys_sysinfo;

#endif
