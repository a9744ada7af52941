/*
 * Changing what a file holds or says of itself: truncate, ftruncate,
 * fsync, fdatasync, sync, syncfs, chmod, fchmod, fchmodat, utimensat,
 * utimes, futimesat and the chown family (the program is root and every
 * file is root's: an owner change is accepted and forgotten).
 */
#ifndef KILN_RUNTIME_FILE_ATTRS_H
#define KILN_RUNTIME_FILE_ATTRS_H

#include "syscall.h"

syscall_handler kiln_sys_truncate;
syscall_handler kiln_sys_ftruncate;
syscall_handler kiln_sys_fsync;
syscall_handler kiln_sys_sync;
syscall_handler kiln_sys_chmod;
syscall_handler kiln_sys_fchmod;
syscall_handler kiln_sys_fchmodat;
syscall_handler kiln_sys_utimensat;
syscall_handler kiln_sys_utimes;
syscall_handler kiln_sys_futimesat;
syscall_handler kiln_sys_chown;
syscall_handler kiln_sys_lchown;
syscall_handler kiln_sys_fchown;
syscall_handler kiln_sys_fchownat;

#endif
