/*
 * The guest's identity page tables, written from the host so the guest
 * runs no set-up code.  2 MiB pages, except 4 KiB pages where a single
 * page differs: page 0 (absent, so NULL faults), the first MiB (the
 * monitor's, supervisor-only but for the boot info page) and the stack's
 * guard page (absent).  The stack, above its guard page, is not executable.
 */
#ifndef KILN_PAGETABLES_H
#define KILN_PAGETABLES_H

#include <stdint.h>

#include "guest_mem.h"

#define PTE_PRESENT      0x1ull
#define PTE_WRITABLE     0x2ull
#define PTE_USER         0x4ull
#define PTE_LARGE        0x80ull
#define PTE_NO_EXECUTE   (1ull << 63)
#define PTE_ADDRESS_MASK 0x000ffffffffff000ull

/* Writes the tables for mem->size bytes of RAM and the doorbell; returns
 * the guest-physical address of the top-level table (for CR3). */
uint64_t pagetables_build(const struct guest_mem *mem, uint64_t guard_gpa);

#endif
