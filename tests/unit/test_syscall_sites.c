#include <criterion/criterion.h>
#include <string.h>

#include "builder/syscall_sites.h"

#define CODE_ADDR       0x401000
#define OTHER_ADDR      0x402000
#define AREA_ADDR       0x500000
#define FAST_ENTRY      0x600000
#define INT3            0xcc
#define AREA_CAPACITY   (3 * SYSCALL_TRAMPOLINE_SIZE)
#define SYSCALL         0x0f, 0x05
#define RET             0xc3
#define MOV_110_EAX     0xb8, 0x6e, 0x00, 0x00, 0x00 /* mov $110, %eax (getppid) */
#define MOV_110_SYSCALL MOV_110_EAX, SYSCALL
#define MOV_15_RAX      0x48, 0xc7, 0xc0, 0x0f, 0x00, 0x00, 0x00 /* mov $15, %rax */
#define MOV_R11_8_RSP   0x4c, 0x89, 0x5c, 0x24, 0x08             /* mov %r11, 8(%rsp) */
#define MOV_RBP_RDI     0x48, 0x89, 0xef                         /* mov %rbp, %rdi */
#define MOV_RBX_RSI     0x48, 0x89, 0xde                         /* mov %rbx, %rsi */
#define LEA_RIP_RDI     0x48, 0x8d, 0x3d, 0x00, 0x01, 0x00, 0x00 /* lea 0x100(%rip), %rdi */
#define JMP_RAX         0xff, 0xe0                               /* jmp *%rax */
#define TEST_EDI        0x85, 0xff                               /* test %edi, %edi */
#define NOP             0x90
#define TRAMPOLINE_END  15 /* lea, push, jmp */

static uint8_t area_bytes[AREA_CAPACITY];
static struct trampoline_area area;
static struct syscall_site_count sites;

static void setup(void)
{
    memset(area_bytes, INT3, sizeof area_bytes);
    area = (struct trampoline_area){AREA_ADDR, area_bytes, sizeof area_bytes, 0, FAST_ENTRY};
}

static void rewrite_with_labels(uint8_t *code, size_t size, uint64_t *labels, size_t label_count)
{
    struct code_function function = {CODE_ADDR, code, size};
    struct program_code program = {&function, 1, labels, label_count};
    cr_assert_eq(syscall_sites_rewrite(&program, &area, &sites), 0);
}

static void rewrite(uint8_t *code, size_t size)
{
    rewrite_with_labels(code, size, NULL, 0);
}

static void put_u32(uint8_t *at, uint32_t value)
{
    memcpy(at, &value, sizeof value);
}

/* The site's bytes once rewritten: a jmp to the first trampoline at
 * offset, then int3 up to the syscall at syscall_offset. */
static void expect_jump_at(const uint8_t *code, size_t offset, size_t syscall_offset)
{
    uint8_t expected[32];
    cr_assert_leq(syscall_offset + 2, sizeof expected);
    memset(expected, INT3, sizeof expected);
    expected[0] = 0xe9;
    put_u32(expected + 1, AREA_ADDR - (CODE_ADDR + offset + 5));
    expected[syscall_offset - offset] = 0x0f;
    expected[syscall_offset - offset + 1] = 0x05;
    cr_assert_arr_eq(code + offset, expected, syscall_offset + 2 - offset);
}

/* The first trampoline: the moved bytes, lea -128(%rsp), %rsp, push of
 * the address after the syscall, jmp kiln_syscall_fast, int3 to the end
 * of its slot. */
static void expect_trampoline(const uint8_t *moved, size_t size, uint64_t resume)
{
    uint8_t expected[SYSCALL_TRAMPOLINE_SIZE];
    const uint8_t tail[] = {0x48, 0x8d, 0x64, 0x24, 0x80, 0x68};
    memset(expected, INT3, sizeof expected);
    memcpy(expected, moved, size);
    memcpy(expected + size, tail, sizeof tail);
    put_u32(expected + size + 6, (uint32_t)resume);
    expected[size + 10] = 0xe9;
    put_u32(expected + size + 11, FAST_ENTRY - (AREA_ADDR + size + TRAMPOLINE_END));
    cr_assert_arr_eq(area_bytes, expected, sizeof expected);
    cr_assert_eq(area.used, SYSCALL_TRAMPOLINE_SIZE);
}

static void expect_left_alone(uint8_t *code, size_t size)
{
    uint8_t before[64];
    cr_assert_leq(size, sizeof before);
    memcpy(before, code, size);
    rewrite(code, size);
    cr_assert_arr_eq(code, before, size);
    cr_assert_eq(sites.patched, 0);
    cr_assert_eq(area.used, 0);
}

TestSuite(syscall_sites, .init = setup);

Test(syscall_sites, turns_the_mov_into_a_jump_to_a_trampoline_and_keeps_the_syscall)
{
    uint8_t code[] = {0x55, MOV_110_SYSCALL, RET};
    rewrite(code, sizeof code);
    expect_jump_at(code, 1, 6);
    cr_assert_eq(code[0], 0x55);
    cr_assert_eq(code[8], RET);
    cr_assert_eq(sites.found, 1);
    cr_assert_eq(sites.movable, 1);
    cr_assert_eq(sites.patched, 1);
}

Test(syscall_sites, trampoline_runs_the_mov_steps_below_the_red_zone_and_pushes_the_return)
{
    uint8_t code[] = {0x55, MOV_110_SYSCALL, RET};
    const uint8_t moved[] = {MOV_110_EAX};
    rewrite(code, sizeof code);
    expect_trampoline(moved, sizeof moved, CODE_ADDR + 8);
}

Test(syscall_sites, moves_a_7_byte_mov_to_rax_and_pads_the_site_with_int3)
{
    uint8_t code[] = {MOV_15_RAX, SYSCALL}; /* musl's __restore_rt */
    const uint8_t moved[] = {MOV_15_RAX};
    rewrite(code, sizeof code);
    expect_jump_at(code, 0, 7);
    expect_trampoline(moved, sizeof moved, CODE_ADDR + 9);
}

Test(syscall_sites, moves_the_store_of_r11_that_syscall_cp_makes_before_its_syscall)
{
    uint8_t code[] = {0x48, 0x89, 0xf8, MOV_R11_8_RSP, SYSCALL, RET}; /* mov %rdi, %rax first */
    const uint8_t moved[] = {MOV_R11_8_RSP};
    rewrite(code, sizeof code);
    expect_jump_at(code, 3, 8);
    expect_trampoline(moved, sizeof moved, CODE_ADDR + 10);
}

Test(syscall_sites, moves_two_3_byte_instructions_together)
{
    uint8_t code[] = {MOV_RBP_RDI, MOV_RBX_RSI, SYSCALL, RET};
    const uint8_t moved[] = {MOV_RBP_RDI, MOV_RBX_RSI};
    rewrite(code, sizeof code);
    expect_jump_at(code, 0, 6);
    expect_trampoline(moved, sizeof moved, CODE_ADDR + 8);
}

Test(syscall_sites, moves_no_more_instructions_than_make_5_bytes)
{
    uint8_t code[] = {MOV_RBP_RDI, MOV_110_SYSCALL, RET};
    rewrite(code, sizeof code);
    cr_assert_arr_eq(code, ((uint8_t[]){MOV_RBP_RDI}), 3);
    expect_jump_at(code, 3, 8);
}

Test(syscall_sites, moves_a_first_instruction_that_a_branch_lands_on)
{
    uint8_t code[] = {TEST_EDI, 0x74, 0x00, MOV_RBP_RDI, MOV_RBX_RSI, SYSCALL, RET}; /* je +0 */
    rewrite(code, sizeof code);
    expect_jump_at(code, 4, 10);
}

Test(syscall_sites, leaves_a_site_whose_second_instruction_a_branch_lands_on)
{
    uint8_t code[] = {TEST_EDI, 0x74, 0x03, MOV_RBP_RDI, MOV_RBX_RSI, SYSCALL, RET}; /* je +3 */
    expect_left_alone(code, sizeof code);
    cr_assert_eq(sites.found, 1);
    cr_assert_eq(sites.movable, 0);
}

Test(syscall_sites, leaves_a_site_whose_second_instruction_a_later_branch_lands_on)
{
    uint8_t code[] = {MOV_RBP_RDI, MOV_RBX_RSI, SYSCALL, 0xeb, 0xf9}; /* jmp -7 */
    expect_left_alone(code, sizeof code);
}

Test(syscall_sites, leaves_a_site_whose_second_instruction_a_symbol_names)
{
    uint8_t code[] = {MOV_RBP_RDI, MOV_RBX_RSI, SYSCALL, RET};
    uint64_t labels[] = {CODE_ADDR, CODE_ADDR + 3};
    rewrite_with_labels(code, sizeof code, labels, 2);
    cr_assert_eq(sites.patched, 0);
    cr_assert_eq(code[0], 0x48);
}

Test(syscall_sites, leaves_a_site_whose_second_instruction_another_function_jumps_to)
{
    uint8_t code[] = {MOV_RBP_RDI, MOV_RBX_RSI, SYSCALL, RET};
    uint8_t other[] = {0xe9, 0, 0, 0, 0}; /* jmp CODE_ADDR + 3, as a .cold part does */
    put_u32(other + 1, CODE_ADDR + 3 - (OTHER_ADDR + 5));
    struct code_function functions[] = {{CODE_ADDR, code, sizeof code},
                                        {OTHER_ADDR, other, sizeof other}};
    struct program_code program = {functions, 2, NULL, 0};
    cr_assert_eq(syscall_sites_rewrite(&program, &area, &sites), 0);
    cr_assert_eq(sites.patched, 0);
    cr_assert_eq(code[0], 0x48);
}

Test(syscall_sites, leaves_a_rip_relative_instruction_where_it_is)
{
    uint8_t code[] = {LEA_RIP_RDI, SYSCALL, RET};
    expect_left_alone(code, sizeof code);
    cr_assert_eq(sites.found, 1);
}

Test(syscall_sites, leaves_a_call_where_it_is)
{
    uint8_t code[] = {0xe8, 0x00, 0x00, 0x00, 0x00, SYSCALL, RET}; /* call +0 */
    expect_left_alone(code, sizeof code);
}

Test(syscall_sites, moves_one_instruction_only_in_a_function_with_an_indirect_jmp)
{
    uint8_t code[] = {MOV_RBP_RDI, MOV_RBX_RSI, SYSCALL, RET, JMP_RAX};
    expect_left_alone(code, sizeof code);
    uint8_t one[] = {MOV_110_SYSCALL, RET, JMP_RAX};
    rewrite(one, sizeof one);
    cr_assert_eq(sites.patched, 1);
}

Test(syscall_sites, gives_up_where_five_instructions_would_have_to_move)
{
    uint8_t code[] = {NOP, NOP, NOP, NOP, NOP, SYSCALL, RET};
    expect_left_alone(code, sizeof code);
    uint8_t four[] = {NOP, NOP, NOP, 0x31, 0xc0, SYSCALL, RET}; /* xor %eax, %eax last */
    rewrite(four, sizeof four);
    expect_jump_at(four, 0, 5);
}

Test(syscall_sites, leaves_a_site_with_too_few_bytes_before_it_alone)
{
    uint8_t code[] = {0x31, 0xc0, SYSCALL, RET}; /* xor %eax, %eax at the function's start */
    expect_left_alone(code, sizeof code);
}

Test(syscall_sites, leaves_the_pattern_alone_inside_another_instruction)
{
    /* movabs $0x00050f00000001b8, %rax */
    uint8_t code[] = {0x48, 0xb8, MOV_110_SYSCALL, 0x00, RET};
    expect_left_alone(code, sizeof code);
    cr_assert_eq(sites.found, 0);
}

Test(syscall_sites, takes_trampolines_in_address_order)
{
    uint8_t code[] = {MOV_110_SYSCALL, MOV_110_SYSCALL, RET};
    rewrite(code, sizeof code);
    cr_assert_eq(sites.patched, 2);
    cr_assert_eq(area.used, 2 * SYSCALL_TRAMPOLINE_SIZE);
    uint32_t second;
    memcpy(&second, code + 8, sizeof second);
    cr_assert_eq(second, AREA_ADDR + SYSCALL_TRAMPOLINE_SIZE - (CODE_ADDR + 12));
}

Test(syscall_sites, leaves_the_sites_past_a_full_area_as_they_were)
{
    uint8_t code[] = {MOV_110_SYSCALL, MOV_110_SYSCALL, RET};
    area.size = 2 * SYSCALL_TRAMPOLINE_SIZE - 1;
    rewrite(code, sizeof code);
    cr_assert_eq(sites.found, 2);
    cr_assert_eq(sites.movable, 2);
    cr_assert_eq(sites.patched, 1);
    cr_assert_eq(code[0], 0xe9);
    cr_assert_eq(code[7], 0xb8);
    cr_assert_eq(area_bytes[SYSCALL_TRAMPOLINE_SIZE], INT3);
}

Test(syscall_sites, sweeps_a_function_and_its_alias_once)
{
    uint8_t code[] = {MOV_110_SYSCALL, RET};
    struct code_function alias = {CODE_ADDR, code, sizeof code};
    struct code_function functions[] = {alias, alias};
    struct program_code program = {functions, 2, NULL, 0};
    area.size = 0; /* else the first sweep's jump hides the site from the second */
    cr_assert_eq(syscall_sites_rewrite(&program, &area, &sites), 0);
    cr_assert_eq(sites.found, 1);
    cr_assert_eq(sites.patched, 0);
}
