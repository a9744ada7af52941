/*
 * Pipes within the VM: a 64 KiB ring, as Linux's default pipe holds,
 * between a read end and a write end, each an open file of its own.
 */
#ifndef KILN_RUNTIME_PIPE_H
#define KILN_RUNTIME_PIPE_H

#include "syscall.h"

syscall_handler kiln_sys_pipe;
syscall_handler kiln_sys_pipe2;

#endif
