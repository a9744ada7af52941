/*
 * Asking about files: stat and its forms, access and its forms,
 * readlink.  Layer files answer with no exit; volumes with one.
 */
#ifndef KILN_RUNTIME_FILE_STAT_H
#define KILN_RUNTIME_FILE_STAT_H

#include "fs_walk.h"
#include "syscall.h"

syscall_handler kiln_sys_stat;
syscall_handler kiln_sys_lstat;
syscall_handler kiln_sys_fstat;
syscall_handler kiln_sys_newfstatat;
syscall_handler kiln_sys_statx;
syscall_handler kiln_sys_access;
syscall_handler kiln_sys_faccessat;
syscall_handler kiln_sys_faccessat2;
syscall_handler kiln_sys_readlink;
syscall_handler kiln_sys_readlinkat;

/* What a place names, in the layer or beneath a volume: 0 or -errno. */
long file_stat_place(const struct fs_place *place, bool nofollow, struct fs_stat *st);

#endif
