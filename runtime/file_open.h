/*
 * Opening and closing: open, openat, creat, close, close_range, dup,
 * dup2, dup3 and fcntl.
 */
#ifndef KILN_RUNTIME_FILE_OPEN_H
#define KILN_RUNTIME_FILE_OPEN_H

#include "syscall.h"

syscall_handler kiln_sys_open;
syscall_handler kiln_sys_openat;
syscall_handler kiln_sys_creat;
syscall_handler kiln_sys_close;
syscall_handler kiln_sys_close_range;
syscall_handler kiln_sys_dup;
syscall_handler kiln_sys_dup2;
syscall_handler kiln_sys_dup3;
syscall_handler kiln_sys_fcntl;

#endif
