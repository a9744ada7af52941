/*
 * epoll: a set of (open file, fd) items in an open file of its own, each
 * reported when poll_file finds it ready: every time (level-triggered),
 * once per change (EPOLLET), or once until EPOLL_CTL_MOD (EPOLLONESHOT).
 * An item does not hold its file: the file's last close removes it.
 */
#ifndef KILN_RUNTIME_EPOLL_H
#define KILN_RUNTIME_EPOLL_H

#include "fd_table.h"
#include "syscall.h"

syscall_handler kiln_sys_epoll_create;
syscall_handler kiln_sys_epoll_create1;
syscall_handler kiln_sys_epoll_ctl;
syscall_handler kiln_sys_epoll_wait;
syscall_handler kiln_sys_epoll_pwait;
syscall_handler kiln_sys_epoll_pwait2;

/* file's last reference is gone: out of every set that has it. */
void epoll_forget(struct open_file *file);

#endif
