/*
 * File descriptors: the program's stdin, stdout and stderr, carried to the
 * host by the READ and WRITE hypercalls.  There is no file system yet.
 */
#ifndef KILN_RUNTIME_IO_H
#define KILN_RUNTIME_IO_H

#include "syscall.h"

#include <stdbool.h>

/* Is fd one of the program's open descriptors? */
bool kiln_io_fd_open(int fd);

syscall_handler kiln_sys_read;
syscall_handler kiln_sys_write;
syscall_handler kiln_sys_readv;
syscall_handler kiln_sys_writev;
syscall_handler kiln_sys_positioned_io;
syscall_handler kiln_sys_lseek;
syscall_handler kiln_sys_no_such_file;
syscall_handler kiln_sys_close;
syscall_handler kiln_sys_fstat;
syscall_handler kiln_sys_newfstatat;
syscall_handler kiln_sys_statx;
syscall_handler kiln_sys_ioctl;
syscall_handler kiln_sys_fcntl;

#endif
