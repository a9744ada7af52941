#include <criterion/criterion.h>
#include <elf.h>
#include <string.h>

#include <kiln/abi.h>

#include "monitor/guest_mem.h"
#include "monitor/initial_stack.h"

#define MEM (4ull << 20)

static struct guest_mem mem;
static const uint8_t phdrs[2 * sizeof(Elf64_Phdr)] = {1, 2, 3};
static char *argv[] = {"app", "two words", NULL};
static char *envp[] = {"HOME=/", "K=V", NULL};
static uint64_t execfn;

static void setup(void)
{
    cr_assert_eq(guest_mem_map(&mem, MEM), 0);
}

static void teardown(void)
{
    guest_mem_unmap(&mem);
}

static struct initial_stack stack_for(char **args, int count, char **env)
{
    return (struct initial_stack){
        .argc = count,
        .argv = args,
        .envp = env,
        .phdrs = phdrs,
        .phdr_count = 2,
        .phdr_size = sizeof(Elf64_Phdr),
        .entry = 0x100abc,
        .random = {0xaa, 0xbb},
    };
}

static uint64_t word(uint64_t gpa)
{
    uint64_t *at = guest_mem_at(&mem, gpa, 8);
    cr_assert_not_null(at);
    return *at;
}

static const char *string(uint64_t gpa)
{
    return guest_mem_at(&mem, gpa, 1);
}

static uint64_t auxv_value(uint64_t auxv, uint64_t type)
{
    for (uint64_t at = auxv; word(at) != AT_NULL; at += 16)
        if (word(at) == type)
            return word(at + 8);
    cr_assert_fail("auxv has no entry %lu", type);
    return 0;
}

TestSuite(initial_stack, .init = setup, .fini = teardown);

Test(initial_stack, is_16_byte_aligned_and_starts_with_argc)
{
    struct initial_stack in = stack_for(argv, 2, envp);
    uint64_t rsp = initial_stack_build(&mem, MEM, &in, &execfn);
    cr_assert_neq(rsp, 0);
    cr_assert_eq(rsp % 16, 0);
    cr_assert_eq(word(rsp), 2);
}

Test(initial_stack, holds_argv_then_envp_as_null_terminated_pointer_lists)
{
    struct initial_stack in = stack_for(argv, 2, envp);
    uint64_t rsp = initial_stack_build(&mem, MEM, &in, &execfn);
    cr_assert_str_eq(string(word(rsp + 8)), "app");
    cr_assert_str_eq(string(word(rsp + 16)), "two words");
    cr_assert_eq(word(rsp + 24), 0);
    cr_assert_str_eq(string(word(rsp + 32)), "HOME=/");
    cr_assert_str_eq(string(word(rsp + 40)), "K=V");
    cr_assert_eq(word(rsp + 48), 0);
}

Test(initial_stack, gives_the_auxiliary_vector_musl_needs)
{
    struct initial_stack in = stack_for(argv, 2, envp);
    uint64_t rsp = initial_stack_build(&mem, MEM, &in, &execfn);
    uint64_t auxv = rsp + 56;
    cr_assert_eq(auxv_value(auxv, AT_PAGESZ), KILN_PAGE_SIZE);
    cr_assert_eq(auxv_value(auxv, AT_PHNUM), 2);
    cr_assert_eq(auxv_value(auxv, AT_PHENT), sizeof(Elf64_Phdr));
    cr_assert_eq(auxv_value(auxv, AT_ENTRY), 0x100abc);
    cr_assert_eq(
        memcmp(guest_mem_at(&mem, auxv_value(auxv, AT_PHDR), sizeof phdrs), phdrs, sizeof phdrs),
        0);
    cr_assert_eq(auxv_value(auxv, AT_PHDR) % 8, 0);
    const uint8_t *random = guest_mem_at(&mem, auxv_value(auxv, AT_RANDOM), 16);
    cr_assert_eq(random[0], 0xaa);
    cr_assert_eq(random[1], 0xbb);
}

Test(initial_stack, gives_a_program_the_vector_execve_would)
{
    struct initial_stack in = stack_for(argv, 2, envp);
    in.phdr_gpa = 0x400040;
    in.interp_base = 0x800000;
    uint64_t rsp = initial_stack_build(&mem, MEM, &in, &execfn);
    uint64_t auxv = rsp + 56;
    cr_assert_eq(auxv_value(auxv, AT_PHDR), 0x400040);
    cr_assert_eq(auxv_value(auxv, AT_BASE), 0x800000);
    cr_assert_eq(auxv_value(auxv, AT_EXECFN), execfn);
    cr_assert_str_eq(string(execfn), "app");
    cr_assert_str_eq(string(auxv_value(auxv, AT_PLATFORM)), "x86_64");
    cr_assert_eq(auxv_value(auxv, AT_SECURE), 0);
    cr_assert_neq(auxv_value(auxv, AT_HWCAP), 0);
}

Test(initial_stack, stays_below_the_top_it_was_given)
{
    struct initial_stack in = stack_for(argv, 2, envp);
    uint64_t top = MEM - 0x1000;
    uint64_t rsp = initial_stack_build(&mem, top, &in, &execfn);
    uint64_t auxv = rsp + 56;
    cr_assert_lt(auxv_value(auxv, AT_RANDOM) + 16, top + 1);
    cr_assert_lt(rsp, top);
}

Test(initial_stack, refuses_an_environment_larger_than_its_limit)
{
    static char huge[INITIAL_STACK_MAX];
    memset(huge, 'x', sizeof huge - 1);
    char *big_env[] = {huge, NULL};
    struct initial_stack in = stack_for(argv, 2, big_env);
    cr_assert_eq(initial_stack_build(&mem, MEM, &in, &execfn), 0);
}
