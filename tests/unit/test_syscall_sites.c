#include <criterion/criterion.h>
#include <string.h>

#include "builder/syscall_sites.h"

#define CODE_ADDR       0x401000
#define AREA_ADDR       0x500000
#define FAST_ENTRY      0x600000
#define INT3            0xcc
#define AREA_CAPACITY   64
#define MOV_110_SYSCALL 0xb8, 0x6e, 0x00, 0x00, 0x00, 0x0f, 0x05 /* getppid */

static uint8_t area_bytes[AREA_CAPACITY];
static struct trampoline_area area;
static struct syscall_site_count sites;

static void setup(void)
{
    memset(area_bytes, INT3, sizeof area_bytes);
    area = (struct trampoline_area){AREA_ADDR, area_bytes, sizeof area_bytes, 0, FAST_ENTRY};
}

static void rewrite(uint8_t *code, size_t size)
{
    struct code_function function = {CODE_ADDR, code, size};
    cr_assert_eq(syscall_sites_rewrite(&function, 1, &area, &sites), 0);
}

static void put_u32(uint8_t *at, uint32_t value)
{
    memcpy(at, &value, sizeof value);
}

TestSuite(syscall_sites, .init = setup);

Test(syscall_sites, turns_the_mov_into_a_jump_to_a_trampoline_and_keeps_the_syscall)
{
    uint8_t code[] = {0x55, MOV_110_SYSCALL, 0xc3};
    uint8_t expected[] = {0x55, 0xe9, 0, 0, 0, 0, 0x0f, 0x05, 0xc3};
    put_u32(expected + 2, AREA_ADDR - (CODE_ADDR + 6));
    rewrite(code, sizeof code);
    cr_assert_arr_eq(code, expected, sizeof code);
    cr_assert_eq(sites.found, 1);
    cr_assert_eq(sites.patched, 1);
}

Test(syscall_sites, trampoline_steps_below_the_red_zone_pushes_the_return_and_sets_eax)
{
    uint8_t code[] = {0x55, MOV_110_SYSCALL, 0xc3};
    uint8_t expected[SYSCALL_TRAMPOLINE_SIZE] = {
        0x48, 0x8d, 0x64, 0x24, 0x80, /* lea -128(%rsp), %rsp */
        0x68, 0,    0,    0,    0,    /* push $(after the syscall) */
        0xb8, 0x6e, 0x00, 0x00, 0x00, /* mov $110, %eax */
        0xe9, 0,    0,    0,    0,    /* jmp kiln_syscall_fast */
    };
    put_u32(expected + 6, CODE_ADDR + 8);
    put_u32(expected + 16, FAST_ENTRY - (AREA_ADDR + SYSCALL_TRAMPOLINE_SIZE));
    rewrite(code, sizeof code);
    cr_assert_arr_eq(area_bytes, expected, sizeof expected);
    cr_assert_eq(area.used, SYSCALL_TRAMPOLINE_SIZE);
    cr_assert_eq(area_bytes[SYSCALL_TRAMPOLINE_SIZE], INT3);
}

Test(syscall_sites, leaves_the_pattern_alone_inside_another_instruction)
{
    /* movabs $0x00050f00000001b8, %rax */
    uint8_t code[] = {0x48, 0xb8, MOV_110_SYSCALL, 0x00, 0xc3};
    uint8_t before[sizeof code];
    memcpy(before, code, sizeof code);
    rewrite(code, sizeof code);
    cr_assert_arr_eq(code, before, sizeof code);
    cr_assert_eq(sites.found, 0);
    cr_assert_eq(area.used, 0);
}

Test(syscall_sites, leaves_a_mov_to_another_register_alone)
{
    uint8_t code[] = {0xb9, 0x6e, 0x00, 0x00, 0x00, 0x0f, 0x05, 0xc3}; /* mov $110, %ecx */
    uint8_t before[sizeof code];
    memcpy(before, code, sizeof code);
    rewrite(code, sizeof code);
    cr_assert_arr_eq(code, before, sizeof code);
    cr_assert_eq(sites.found, 0);
}

Test(syscall_sites, leaves_a_mov_with_anything_between_it_and_the_syscall_alone)
{
    uint8_t code[] = {0xb8, 0x6e, 0x00, 0x00, 0x00, 0x90, 0x0f, 0x05, 0xc3};
    uint8_t before[sizeof code];
    memcpy(before, code, sizeof code);
    rewrite(code, sizeof code);
    cr_assert_arr_eq(code, before, sizeof code);
    cr_assert_eq(sites.found, 0);
}

Test(syscall_sites, takes_trampolines_in_address_order)
{
    uint8_t code[] = {MOV_110_SYSCALL, MOV_110_SYSCALL, 0xc3};
    rewrite(code, sizeof code);
    cr_assert_eq(sites.patched, 2);
    cr_assert_eq(area.used, 2 * SYSCALL_TRAMPOLINE_SIZE);
    uint32_t second;
    memcpy(&second, code + 8, sizeof second);
    cr_assert_eq(second, AREA_ADDR + SYSCALL_TRAMPOLINE_SIZE - (CODE_ADDR + 12));
}

Test(syscall_sites, leaves_the_sites_past_a_full_area_as_they_were)
{
    uint8_t code[] = {MOV_110_SYSCALL, MOV_110_SYSCALL, 0xc3};
    area.size = 2 * SYSCALL_TRAMPOLINE_SIZE - 1;
    rewrite(code, sizeof code);
    cr_assert_eq(sites.found, 2);
    cr_assert_eq(sites.patched, 1);
    cr_assert_eq(code[0], 0xe9);
    cr_assert_eq(code[7], 0xb8);
    cr_assert_eq(area_bytes[SYSCALL_TRAMPOLINE_SIZE], INT3);
}

Test(syscall_sites, sweeps_a_function_and_its_alias_once)
{
    uint8_t code[] = {MOV_110_SYSCALL, 0xc3};
    struct code_function alias = {CODE_ADDR, code, sizeof code};
    struct code_function functions[] = {alias, alias};
    area.size = 0; /* else the first sweep's jump hides the site from the second */
    cr_assert_eq(syscall_sites_rewrite(functions, 2, &area, &sites), 0);
    cr_assert_eq(sites.found, 1);
    cr_assert_eq(sites.patched, 0);
}
