#include <criterion/criterion.h>
#include <stdint.h>

#include "monitor/guest_mem.h"

static uint8_t ram[4096];
static const struct guest_mem mem = {.host = ram, .size = sizeof ram};

Test(guest_mem_at, gives_the_host_address_of_a_range_inside_ram)
{
    cr_assert_eq(guest_mem_at(&mem, 0x100, 16), ram + 0x100);
}

Test(guest_mem_at, accepts_a_range_ending_exactly_at_the_end_of_ram)
{
    cr_assert_eq(guest_mem_at(&mem, sizeof ram - 8, 8), ram + sizeof ram - 8);
}

Test(guest_mem_at, refuses_a_range_one_byte_past_the_end)
{
    cr_assert_null(guest_mem_at(&mem, sizeof ram - 8, 9));
}

Test(guest_mem_at, refuses_an_address_past_the_end)
{
    cr_assert_null(guest_mem_at(&mem, sizeof ram + 1, 0));
}

Test(guest_mem_at, refuses_a_range_whose_end_wraps_around_zero)
{
    cr_assert_null(guest_mem_at(&mem, UINT64_MAX - 3, 8));
    cr_assert_null(guest_mem_at(&mem, 16, UINT64_MAX - 8));
}

Test(guest_mem_at, refuses_a_huge_length_from_address_zero)
{
    cr_assert_null(guest_mem_at(&mem, 0, UINT64_MAX));
}

Test(guest_mem_map, reserves_zeroed_memory_of_the_size_asked)
{
    struct guest_mem big = {0};
    cr_assert_eq(guest_mem_map(&big, 64ull << 20), 0);
    cr_assert_eq(big.size, 64ull << 20);
    uint8_t *last = guest_mem_at(&big, big.size - 1, 1);
    cr_assert_not_null(last);
    cr_assert_eq(*last, 0);
    guest_mem_unmap(&big);
    cr_assert_null(big.host);
}
