/*
 * The boot info page the monitor writes before the first instruction: the
 * memory layout and the clocks' starting point.  Readable at ring 3.
 */
#ifndef KILN_RUNTIME_BOOT_INFO_H
#define KILN_RUNTIME_BOOT_INFO_H

#include <kiln/abi.h>
#include <stdint.h>

static inline const struct kiln_boot_info *boot_info(void)
{
    return (const struct kiln_boot_info *)(uintptr_t)KILN_BOOT_INFO_GPA;
}

#endif
