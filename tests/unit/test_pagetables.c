#include <criterion/criterion.h>

#include <kiln/abi.h>

#include "monitor/guest_mem.h"
#include "monitor/pagetables.h"

#define MEM   (32ull << 20)
#define GUARD (MEM - KILN_STACK_SIZE - KILN_PAGE_SIZE)

static struct guest_mem mem;
static uint64_t cr3;

static void build(void)
{
    cr_assert_eq(guest_mem_map(&mem, MEM), 0);
    cr3 = pagetables_build(&mem, GUARD);
}

static void teardown(void)
{
    guest_mem_unmap(&mem);
}

/* Walks the tables like the CPU: the final entry, or 0 where a level is
 * absent.  User and writable must hold at every level to count. */
static uint64_t walk(uint64_t va, uint64_t *rights)
{
    uint64_t table = cr3;
    *rights = PTE_USER | PTE_WRITABLE;
    for (int level = 3; level >= 0; level--) {
        uint64_t *entries = guest_mem_at(&mem, table, KILN_PAGE_SIZE);
        cr_assert_not_null(entries, "table 0x%lx outside RAM", table);
        uint64_t entry = entries[va >> (12 + 9 * level) & 511];
        if (!(entry & PTE_PRESENT))
            return 0;
        *rights &= entry;
        if (level == 0 || (entry & PTE_LARGE)) {
            uint64_t page = level == 0 ? KILN_PAGE_SIZE : 1ull << (12 + 9 * level);
            cr_assert_eq((entry & PTE_ADDRESS_MASK & ~(page - 1)) | (va & (page - 1)), va,
                         "0x%lx is not identity-mapped", va);
            return entry;
        }
        table = entry & PTE_ADDRESS_MASK;
    }
    return 0;
}

TestSuite(pagetables, .init = build, .fini = teardown);

Test(pagetables, leave_page_zero_unmapped_so_null_faults)
{
    uint64_t rights;
    cr_assert_eq(walk(0, &rights), 0);
    cr_assert_eq(walk(0xfff, &rights), 0);
}

Test(pagetables, keep_the_first_mib_for_ring_0)
{
    uint64_t rights;
    cr_assert_neq(walk(KILN_GDT_GPA, &rights), 0);
    cr_assert_eq(rights & PTE_USER, 0);
    cr_assert_neq(walk(KILN_PAGE_TABLES_GPA, &rights), 0);
    cr_assert_eq(rights & PTE_USER, 0);
}

Test(pagetables, let_ring_3_read_but_not_write_the_boot_info)
{
    uint64_t rights;
    cr_assert_neq(walk(KILN_BOOT_INFO_GPA, &rights), 0);
    cr_assert_eq(rights, PTE_USER);
}

Test(pagetables, give_ring_3_the_image_heap_and_stack)
{
    uint64_t rights;
    uint64_t addresses[] = {KILN_IMAGE_BASE, 4ull << 20, GUARD + KILN_PAGE_SIZE, MEM - 1};
    for (size_t i = 0; i < sizeof addresses / sizeof addresses[0]; i++) {
        cr_assert_neq(walk(addresses[i], &rights), 0, "0x%lx unmapped", addresses[i]);
        cr_assert_eq(rights, PTE_USER | PTE_WRITABLE, "0x%lx rights", addresses[i]);
    }
}

Test(pagetables, keep_code_off_the_stack_but_not_off_the_image)
{
    uint64_t rights;
    cr_assert_neq(walk(MEM - 1, &rights) & PTE_NO_EXECUTE, 0);
    cr_assert_neq(walk(GUARD + KILN_PAGE_SIZE, &rights) & PTE_NO_EXECUTE, 0);
    cr_assert_eq(walk(KILN_IMAGE_BASE, &rights) & PTE_NO_EXECUTE, 0);
    cr_assert_eq(walk(GUARD - 1, &rights) & PTE_NO_EXECUTE, 0);
}

Test(pagetables, leave_the_stack_guard_page_unmapped)
{
    uint64_t rights;
    cr_assert_eq(walk(GUARD, &rights), 0);
    cr_assert_neq(walk(GUARD - 1, &rights), 0);
}

Test(pagetables, map_nothing_past_the_end_of_ram)
{
    uint64_t rights;
    cr_assert_eq(walk(MEM, &rights), 0);
    cr_assert_eq(walk(KILN_DOORBELL_GPA - 1, &rights), 0);
}

Test(pagetables, let_ring_3_write_the_doorbell)
{
    uint64_t rights;
    cr_assert_neq(walk(KILN_DOORBELL_GPA + KILN_HC_EXIT * KILN_DOORBELL_SLOT, &rights), 0);
    cr_assert_eq(rights, PTE_USER | PTE_WRITABLE);
}

Test(pagetables, stay_inside_their_reserved_range)
{
    cr_assert_geq(cr3, KILN_PAGE_TABLES_GPA);
    cr_assert_lt(cr3, KILN_PAGE_TABLES_END);
}
