/*
 * read and write in all their forms, lseek and ioctl, on whatever the fd
 * holds: its open file's ops do the work (fd_table.h).
 */
#ifndef KILN_RUNTIME_IO_H
#define KILN_RUNTIME_IO_H

#include "syscall.h"

syscall_handler kiln_sys_read;
syscall_handler kiln_sys_write;
syscall_handler kiln_sys_readv;
syscall_handler kiln_sys_writev;
syscall_handler kiln_sys_pread64;
syscall_handler kiln_sys_pwrite64;
syscall_handler kiln_sys_preadv;
syscall_handler kiln_sys_pwritev;
syscall_handler kiln_sys_preadv2;
syscall_handler kiln_sys_pwritev2;
syscall_handler kiln_sys_lseek;
syscall_handler kiln_sys_ioctl;

#endif
