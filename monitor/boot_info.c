#include "boot_info.h"

#include <kiln/abi.h>

#include "clock.h"

void boot_info_write(const struct guest_mem *mem, const struct boot_layout *layout,
                     const struct ram_backing *backing)
{
    struct kiln_boot_info *info = guest_mem_at(mem, KILN_BOOT_INFO_GPA, sizeof *info);
    *info = (struct kiln_boot_info){
        .abi_version = KILN_ABI_VERSION,
        .mem_size = mem->size,
        .heap_start = layout->heap_start,
        .stack_bottom = layout->stack_bottom,
        .stack_top = mem->size,
        .tsc_hz = layout->tsc_hz,
        .boot_tsc = layout->tsc,
        .boot_realtime_ns = clock_ns(CLOCK_REALTIME),
        .boot_monotonic_ns = clock_ns(CLOCK_MONOTONIC),
        .backed_low_end = backing->low_end,
        .backed_high_start = backing->high_start,
    };
}
