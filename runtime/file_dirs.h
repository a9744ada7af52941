/*
 * Folders as a program moves through them: getdents64 (opendir and
 * readdir), chdir, fchdir and getcwd.
 */
#ifndef KILN_RUNTIME_FILE_DIRS_H
#define KILN_RUNTIME_FILE_DIRS_H

#include "syscall.h"

syscall_handler kiln_sys_getdents64;
syscall_handler kiln_sys_chdir;
syscall_handler kiln_sys_fchdir;
syscall_handler kiln_sys_getcwd;

#endif
