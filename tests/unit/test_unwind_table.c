#include <criterion/criterion.h>
#include <string.h>

#include "monitor/unwind_table.h"

/* A .eh_frame as gcc writes it, loaded at SECTION: one CIE ("zR",
 * pc-relative sdata4 pointers), then FDEs. */
#define SECTION 0x11a000

static uint8_t eh_frame[256];
static size_t len;

static void put(const void *bytes, size_t n)
{
    memcpy(eh_frame + len, bytes, n);
    len += n;
}

static void put32(uint32_t value)
{
    put(&value, sizeof value);
}

static void add_cie(void)
{
    static const uint8_t body[] = {
        1,    'z', 'R', 0, /* version, augmentation */
        1,                 /* code alignment */
        0x78,              /* data alignment -8 */
        16,                /* return address: rip */
        1,                 /* augmentation data's length */
        0x1b,              /* FDE pointers: pc-relative sdata4 */
        0,    0,   0,      /* DW_CFA_nop */
    };
    put32(4 + sizeof body);
    put32(0);
    put(body, sizeof body);
}

static void add_fde(uint64_t start, uint32_t size)
{
    put32(4 + 4 + 4 + 1 + 3);
    put32((uint32_t)len); /* back to the CIE at 0 */
    put32((uint32_t)(start - (SECTION + len)));
    put32(size);
    static const uint8_t rest[] = {0, 0, 0, 0}; /* no augmentation data, nops */
    put(rest, sizeof rest);
}

static struct unwind_table table;

static void setup(void)
{
    len = 0;
    add_cie();
    add_fde(0x100300, 0x40);
    add_fde(0x100200, 0x20);
    put32(0); /* the terminator */
    cr_assert_eq(unwind_table_parse(&table, eh_frame, len, SECTION), 0);
}

static void teardown(void)
{
    unwind_table_free(&table);
}

TestSuite(unwind_table, .init = setup, .fini = teardown);

Test(unwind_table, finds_the_function_an_fde_covers)
{
    uint64_t start = 0;
    cr_assert(unwind_table_find(&table, 0x100210, &start));
    cr_assert_eq(start, 0x100200);
    cr_assert(unwind_table_find(&table, 0x10033f, &start));
    cr_assert_eq(start, 0x100300);
}

Test(unwind_table, finds_nothing_between_or_past_the_fdes)
{
    uint64_t start;
    cr_assert_not(unwind_table_find(&table, 0x100220, &start));
    cr_assert_not(unwind_table_find(&table, 0x1001ff, &start));
    cr_assert_not(unwind_table_find(&table, 0x100340, &start));
}

Test(unwind_table, keeps_what_it_read_of_a_truncated_section)
{
    unwind_table_free(&table);
    cr_assert_eq(unwind_table_parse(&table, eh_frame, len - 10, SECTION), 0);
    cr_assert_eq(table.count, 1);
}

Test(unwind_table, reads_nothing_from_an_image_without_eh_frame)
{
    static const uint8_t not_elf[16] = "not an ELF file";
    unwind_table_free(&table);
    cr_assert_eq(unwind_table_read(&table, not_elf, sizeof not_elf), 0);
    cr_assert_eq(table.count, 0);
}
