/*
 * The program's memory: brk and anonymous mmap between the image's end
 * (boot_info->heap_start) and the stack's guard page.
 */
#ifndef KILN_RUNTIME_MEMORY_H
#define KILN_RUNTIME_MEMORY_H

#include "syscall.h"
#include <stdint.h>

syscall_handler kiln_sys_brk;
syscall_handler kiln_sys_mmap;
syscall_handler kiln_sys_munmap;
syscall_handler kiln_sys_mremap;
syscall_handler kiln_sys_mprotect;
syscall_handler kiln_sys_madvise;

/* Bytes neither brk nor mmap hold now (sysinfo's freeram). */
uint64_t kiln_memory_free_bytes(void);

#endif
