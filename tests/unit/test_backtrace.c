#include <criterion/criterion.h>
#include <elf.h>

#include <kiln/abi.h>

#include "monitor/backtrace.h"

/* A guest with code at 1 MiB and its stack at the top of 4 MiB of RAM. */
#define RAM          (4ull << 20)
#define STACK_BOTTOM (3ull << 20)
#define CODE         KILN_IMAGE_BASE
#define CODE_SIZE    0x1000

static struct guest_mem mem;
static struct image image = {
    .segments =
        {{.gpa = CODE, .file_size = CODE_SIZE, .mem_size = CODE_SIZE, .flags = PF_R | PF_X}},
    .segment_count = 1,
};
static const struct backtrace_bounds bounds = {
    .mem = &mem, .image = &image, .stack_bottom = STACK_BOTTOM};
static uint64_t found[BACKTRACE_MAX];

static void setup(void)
{
    cr_assert_eq(guest_mem_map(&mem, RAM), 0);
}

static void teardown(void)
{
    guest_mem_unmap(&mem);
}

/* Writes a frame record at rbp: the caller's rbp, then the return address. */
static void frame_at(uint64_t rbp, uint64_t caller_rbp, uint64_t return_address)
{
    uint64_t *words = guest_mem_at(&mem, rbp, 16);
    words[0] = caller_rbp;
    words[1] = return_address;
}

static size_t walk(uint64_t rbp)
{
    return backtrace_walk(&bounds, rbp, found, BACKTRACE_MAX);
}

TestSuite(backtrace, .init = setup, .fini = teardown);

Test(backtrace, follows_the_chain_to_its_end)
{
    frame_at(RAM - 0x100, RAM - 0x80, CODE + 0x10);
    frame_at(RAM - 0x80, 0, CODE + 0x20);
    cr_assert_eq(walk(RAM - 0x100), 2);
    cr_assert_eq(found[0], CODE + 0x10);
    cr_assert_eq(found[1], CODE + 0x20);
}

Test(backtrace, stops_at_a_frame_that_points_at_itself)
{
    frame_at(RAM - 0x100, RAM - 0x100, CODE + 0x10);
    cr_assert_eq(walk(RAM - 0x100), 1);
}

Test(backtrace, stops_at_a_frame_that_points_down_the_stack)
{
    frame_at(RAM - 0x100, RAM - 0x200, CODE + 0x10);
    frame_at(RAM - 0x200, RAM - 0x100, CODE + 0x20);
    cr_assert_eq(walk(RAM - 0x100), 1);
}

Test(backtrace, stops_at_a_return_address_outside_the_code)
{
    frame_at(RAM - 0x100, RAM - 0x80, CODE + CODE_SIZE);
    cr_assert_eq(walk(RAM - 0x100), 0);
}

Test(backtrace, refuses_frames_below_the_stack_or_past_ram)
{
    frame_at(STACK_BOTTOM - 0x10, 0, CODE);
    cr_assert_eq(walk(STACK_BOTTOM - 0x10), 0);
    cr_assert_eq(walk(RAM - 8), 0);
    cr_assert_eq(walk(UINT64_MAX - 7), 0);
}

Test(backtrace, refuses_a_misaligned_frame)
{
    frame_at(RAM - 0x100, 0, CODE);
    cr_assert_eq(walk(RAM - 0x100 + 4), 0);
}

Test(backtrace, stops_after_max_frames)
{
    for (uint64_t rbp = STACK_BOTTOM; rbp < RAM - 16; rbp += 16)
        frame_at(rbp, rbp + 16, CODE);
    cr_assert_eq(walk(STACK_BOTTOM), BACKTRACE_MAX);
}
