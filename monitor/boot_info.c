#include "boot_info.h"

#include <kiln/abi.h>

#include "common/clock.h"

/* The host clocks read here are the guest's time at tsc. */
static void set_clocks(struct kiln_boot_info *info, uint64_t tsc)
{
    info->boot_tsc = tsc;
    info->boot_realtime_ns = clock_ns(CLOCK_REALTIME);
    info->boot_monotonic_ns = clock_ns(CLOCK_MONOTONIC);
}

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
        .backed_low_end = backing->low_end,
        .backed_high_start = backing->high_start,
        .volumes = layout->volumes,
        .execfn = layout->execfn,
    };
    set_clocks(info, layout->tsc);
}

void boot_info_add_flags(const struct guest_mem *mem, uint32_t flags)
{
    struct kiln_boot_info *info = guest_mem_at(mem, KILN_BOOT_INFO_GPA, sizeof *info);
    info->flags |= flags;
}

void boot_info_set_clocks(const struct guest_mem *mem, uint64_t tsc)
{
    set_clocks(guest_mem_for_write(mem, KILN_BOOT_INFO_GPA, sizeof(struct kiln_boot_info)), tsc);
}
