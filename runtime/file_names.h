/*
 * Changing names: mkdir, unlink, rmdir, rename, symlink and link in all
 * their forms.  Layer names change in memory with no exit; a name beneath
 * a volume with one PATH call.  Renames and links cannot cross between
 * the layer and a volume or between volumes (EXDEV).
 */
#ifndef KILN_RUNTIME_FILE_NAMES_H
#define KILN_RUNTIME_FILE_NAMES_H

#include "syscall.h"

syscall_handler kiln_sys_mkdir;
syscall_handler kiln_sys_mkdirat;
syscall_handler kiln_sys_unlink;
syscall_handler kiln_sys_unlinkat;
syscall_handler kiln_sys_rmdir;
syscall_handler kiln_sys_rename;
syscall_handler kiln_sys_renameat;
syscall_handler kiln_sys_renameat2;
syscall_handler kiln_sys_symlink;
syscall_handler kiln_sys_symlinkat;
syscall_handler kiln_sys_link;
syscall_handler kiln_sys_linkat;

#endif
