#include "syscall_sites.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/report.h"
#include "site_plan.h"

#define PUSH_IMM32     0x68
#define INT3           0xcc
#define PUSH_SIZE      5
#define X86_INSN_MAX   15
#define TRAMPOLINE_END (sizeof skip_red_zone + PUSH_SIZE + JMP_SIZE)

/* SYSCALL's ring-0 entry steps over the program's 128-byte red zone
 * (runtime/bounce.h), and so does the trampoline: lea -128(%rsp), %rsp. */
static const uint8_t skip_red_zone[] = {0x48, 0x8d, 0x64, 0x24, 0x80};

_Static_assert(JMP_SIZE - 1 + X86_INSN_MAX + TRAMPOLINE_END <= SYSCALL_TRAMPOLINE_SIZE,
               "the most a site moves, and the trampoline's end, fit a slot");

/* push takes a 32-bit immediate that it sign-extends, and rel32 jumps
 * reach 2 GiB: both hold for images linked low, as runtime/kiln.ld links
 * them. */
static bool below_2gib(uint64_t addr)
{
    return addr <= INT32_MAX;
}

static void put_u32(uint8_t *at, uint32_t value)
{
    memcpy(at, &value, sizeof value);
}

/* A jmp rel32 at addr, whose bytes are at. */
static void put_jmp(uint8_t *at, uint64_t addr, uint64_t target)
{
    at[0] = JMP_REL32;
    put_u32(at + 1, (uint32_t)(target - (addr + JMP_SIZE)));
}

/* Runs the moved instructions, then leaves what SYSCALL's ring-0 entry
 * leaves (RSP = user RSP - 136, the address after the SYSCALL at [RSP])
 * and enters kiln_syscall_fast.  Returns false when the area is full. */
static bool add_trampoline(struct trampoline_area *area, const struct site *site,
                           uint64_t *trampoline)
{
    uint64_t at = area->addr + area->used;
    uint64_t resume = site->first + site->size + SYSCALL_SIZE;
    if (area->size - area->used < SYSCALL_TRAMPOLINE_SIZE ||
        !below_2gib(at + SYSCALL_TRAMPOLINE_SIZE) || !below_2gib(resume) ||
        !below_2gib(area->target))
        return false;
    uint8_t *bytes = area->bytes + area->used;
    uint8_t *end = bytes + site->size;
    memcpy(bytes, site->bytes, site->size);
    memcpy(end, skip_red_zone, sizeof skip_red_zone);
    end[sizeof skip_red_zone] = PUSH_IMM32;
    put_u32(end + sizeof skip_red_zone + 1, (uint32_t)resume);
    put_jmp(end + TRAMPOLINE_END - JMP_SIZE, at + site->size + TRAMPOLINE_END - JMP_SIZE,
            area->target);
    memset(end + TRAMPOLINE_END, INT3, SYSCALL_TRAMPOLINE_SIZE - site->size - TRAMPOLINE_END);
    area->used += SYSCALL_TRAMPOLINE_SIZE;
    *trampoline = at;
    return true;
}

/* The moved bytes become a jmp to the trampoline and int3 up to the
 * SYSCALL. */
static void rewrite_sites(const struct list *sites, struct trampoline_area *area,
                          struct syscall_site_count *count)
{
    const struct site *all = sites->items;
    uint64_t trampoline;
    for (size_t i = 0; i < sites->count; i++) {
        if (all[i].refused)
            continue;
        count->movable++;
        if (!add_trampoline(area, &all[i], &trampoline))
            continue;
        put_jmp(all[i].bytes, all[i].first, trampoline);
        memset(all[i].bytes + JMP_SIZE, INT3, all[i].size - JMP_SIZE);
        count->patched++;
    }
}

int syscall_sites_rewrite(const struct program_code *program, struct trampoline_area *area,
                          struct syscall_site_count *count)
{
    struct list sites = {0};
    *count = (struct syscall_site_count){0};
    int rc = site_plan(program, &sites, &count->found);
    if (rc == 0)
        rewrite_sites(&sites, area, count);
    free(sites.items);
    return rc;
}

int syscall_sites_patch(const char *path, bool verbose)
{
    struct image_code code;
    struct syscall_site_count sites;
    if (image_code_open(&code, path) != 0)
        return -1;
    int rc = syscall_sites_rewrite(&code.program, &code.trampolines, &sites);
    if (rc == 0 && verbose && sites.patched == sites.found)
        report("system calls: %zu of %zu sites stay in ring 3", sites.patched, sites.found);
    else if (rc == 0 && verbose)
        report("system calls: %zu of %zu sites stay in ring 3; the others enter ring 0: "
               "%zu with no code before them that can move, %zu past a full .kiln_trampolines",
               sites.patched, sites.found, sites.found - sites.movable,
               sites.movable - sites.patched);
    image_code_close(&code);
    return rc;
}
