#include "pagetables.h"

#include <kiln/abi.h>

#define LARGE_PAGE (2ull << 20)
#define GIB        (1ull << 30)
#define ENTRIES    512

/* One page each, in this order, from KILN_PAGE_TABLES_GPA. */
enum table_page {
    PML4,
    PDPT,
    PD_FIRST, /* one per GiB of RAM */
    PD_DOORBELL = PD_FIRST + KILN_MEM_MAX / GIB,
    PT_LOW,   /* the first 2 MiB */
    PT_GUARD, /* the 2 MiB holding the guard */
    TABLE_PAGES,
};
_Static_assert(KILN_PAGE_TABLES_GPA + TABLE_PAGES * KILN_PAGE_SIZE <= KILN_PAGE_TABLES_END,
               "page tables fit their reserved range");
_Static_assert(KILN_DOORBELL_GPA == KILN_MEM_MAX, "the doorbell's PD follows RAM's");

#define USER_PAGE (PTE_PRESENT | PTE_WRITABLE | PTE_USER)

static uint64_t table_gpa(enum table_page page)
{
    return KILN_PAGE_TABLES_GPA + (uint64_t)page * KILN_PAGE_SIZE;
}

static uint64_t *table(const struct guest_mem *mem, enum table_page page)
{
    return guest_mem_at(mem, table_gpa(page), KILN_PAGE_SIZE);
}

static uint64_t low_page_entry(uint64_t gpa)
{
    if (gpa == 0)
        return 0;
    if (gpa == KILN_BOOT_INFO_GPA)
        return gpa | PTE_PRESENT | PTE_USER;
    if (gpa < KILN_IMAGE_BASE)
        return gpa | PTE_PRESENT | PTE_WRITABLE;
    return gpa | USER_PAGE;
}

/* Everything above the guard page is stack: data only. */
static uint64_t stack_bits(uint64_t gpa, uint64_t guard_gpa)
{
    return gpa > guard_gpa ? PTE_NO_EXECUTE : 0;
}

static void fill_small_pages(uint64_t *pt, uint64_t base, uint64_t guard_gpa)
{
    for (uint64_t i = 0; i < ENTRIES; i++) {
        uint64_t gpa = base + i * KILN_PAGE_SIZE;
        pt[i] = gpa == guard_gpa ? 0 : low_page_entry(gpa) | stack_bits(gpa, guard_gpa);
    }
}

uint64_t pagetables_build(const struct guest_mem *mem, uint64_t guard_gpa)
{
    uint64_t guard_region = guard_gpa & ~(LARGE_PAGE - 1);
    uint64_t gib_count = (mem->size + GIB - 1) / GIB;

    table(mem, PML4)[0] = table_gpa(PDPT) | USER_PAGE;
    uint64_t *pdpt = table(mem, PDPT);
    for (uint64_t g = 0; g < gib_count; g++)
        pdpt[g] = table_gpa(PD_FIRST + g) | USER_PAGE;
    pdpt[KILN_DOORBELL_GPA / GIB] = table_gpa(PD_DOORBELL) | USER_PAGE;
    table(mem, PD_DOORBELL)[0] = KILN_DOORBELL_GPA | USER_PAGE | PTE_LARGE;

    for (uint64_t gpa = 0; gpa < mem->size; gpa += LARGE_PAGE) {
        uint64_t *pde = &table(mem, PD_FIRST + gpa / GIB)[gpa % GIB / LARGE_PAGE];
        if (gpa == 0)
            *pde = table_gpa(PT_LOW) | USER_PAGE;
        else if (gpa == guard_region)
            *pde = table_gpa(PT_GUARD) | USER_PAGE;
        else
            *pde = gpa | USER_PAGE | PTE_LARGE | stack_bits(gpa, guard_gpa);
    }
    fill_small_pages(table(mem, PT_LOW), 0, guard_gpa);
    fill_small_pages(table(mem, PT_GUARD), guard_region, guard_gpa);
    return table_gpa(PML4);
}
