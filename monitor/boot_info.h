/*
 * The boot info page: what the runtime needs to know about its machine
 * (RAM, where heap and stack go, how to turn the TSC into time), written
 * from the host so the guest never has to ask.
 */
#ifndef KILN_BOOT_INFO_H
#define KILN_BOOT_INFO_H

#include <stdint.h>

#include "guest_mem.h"
#include "vm.h"

struct boot_layout {
    uint64_t heap_start;
    uint64_t stack_bottom;
    uint64_t tsc_hz;
    uint64_t tsc;     /* the guest's TSC just before this call */
    uint64_t volumes; /* the guest's struct kiln_volume_table, or 0 */
    uint64_t execfn;  /* AT_EXECFN's string, for /proc/self/exe */
};

/* The host clocks read here are taken as the guest's time at layout->tsc:
 * call it right after reading the TSC. */
void boot_info_write(const struct guest_mem *mem, const struct boot_layout *layout,
                     const struct ram_backing *backing);

/* Sets KILN_BOOT_* flags in a written boot info. */
void boot_info_add_flags(const struct guest_mem *mem, uint32_t flags);

/* Makes the host clocks now the guest's time at tsc: kiln serve does so
 * for every request, which also fits each clone's own TSC offset. */
void boot_info_set_clocks(const struct guest_mem *mem, uint64_t tsc);

#endif
