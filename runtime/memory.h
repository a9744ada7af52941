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

/* Anonymous zero pages for mmap (MAP_FIXED and MAP_FIXED_NOREPLACE as
 * flags say): the address, or -errno. */
long kiln_memory_map(uint64_t addr, uint64_t len, int flags);

/* munmap of what kiln_memory_map gave. */
void kiln_memory_unmap(uint64_t addr, uint64_t len);

/* len bytes (whole pages, not 0) of zeroed RAM for the runtime's own use
 * (the file layer), taken from the program's arena so they count against
 * --mem; NULL when it is spent.  Never given back: freeing scattered pages
 * would fill the table of free ranges the program's munmap needs, so the
 * file layer keeps and reuses what it frees. */
void *kiln_pages_alloc(uint64_t len);

/* Bytes neither brk nor mmap hold now (sysinfo's freeram). */
uint64_t kiln_memory_free_bytes(void);

#endif
