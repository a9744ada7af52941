/*
 * The one check on a pointer the program hands the syscall layer: does
 * [addr, addr + len) lie in guest RAM the program may touch?  It catches
 * NULL, kernel-half and out-of-RAM pointers so that the call fails with
 * EFAULT, as on Linux, and the monitor never sees a bad address.  A pointer
 * into read-only pages still faults at ring 3: the program's own bug.
 */
#ifndef KILN_RUNTIME_USER_RANGE_H
#define KILN_RUNTIME_USER_RANGE_H

#include "boot_info.h"
#include <stdbool.h>
#include <stdint.h>

/* The end of the user half: wrfsbase faults past it, and Linux refuses
 * with EPERM an FS base there. */
#define USER_ADDRESS_END 0x800000000000ull

static inline bool user_range_ok(const void *ptr, uint64_t len)
{
    const struct kiln_boot_info *info = boot_info();
    uint64_t start = (uint64_t)(uintptr_t)ptr;
    uint64_t guard = info->stack_bottom - KILN_PAGE_SIZE;

    if (start < KILN_IMAGE_BASE || start > info->mem_size || len > info->mem_size - start)
        return false;
    return !(start < info->stack_bottom && start + len > guard);
}

#endif
