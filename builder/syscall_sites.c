#include "syscall_sites.h"

#include <capstone/capstone.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/report.h"

#define SYSCALL_SIZE   2
#define JMP_REL32      0xe9
#define CALL_REL32     0xe8
#define JCC_REL32      0x0f /* then 0x80 to 0x8f */
#define JCC_FIRST      0x80
#define JCC_LAST       0x8f
#define PUSH_IMM32     0x68
#define INT3           0xcc
#define JMP_SIZE       5
#define JCC_SIZE       6
#define PUSH_SIZE      5
#define X86_INSN_MAX   15
#define TRAMPOLINE_END (sizeof skip_red_zone + PUSH_SIZE + JMP_SIZE)

/* SYSCALL's ring-0 entry steps over the program's 128-byte red zone
 * (runtime/bounce.h), and so does the trampoline: lea -128(%rsp), %rsp. */
static const uint8_t skip_red_zone[] = {0x48, 0x8d, 0x64, 0x24, 0x80};
static const uint8_t syscall_bytes[SYSCALL_SIZE] = {0x0f, 0x05};

_Static_assert(JMP_SIZE - 1 + X86_INSN_MAX + TRAMPOLINE_END <= SYSCALL_TRAMPOLINE_SIZE,
               "the most a site moves, and the trampoline's end, fit a slot");

/* One instruction of a swept function, as much as the rewrite needs. */
struct insn {
    uint64_t addr;
    uint8_t size;
    bool movable; /* runs the same at any address */
    bool syscall;
};

/* A growing array of things of one size. */
struct list {
    void *items;
    size_t count, capacity;
};

/* What a sweep of one function learnt. */
struct sweep {
    struct list insns;    /* struct insn, in address order */
    struct list targets;  /* uint64_t: its direct branches' targets, ascending */
    bool jumps_not_known; /* an indirect jmp, or bytes that are no instruction */
};

/* A site that can move: size bytes of instructions from first, then the
 * SYSCALL. */
struct site {
    uint64_t first;
    uint8_t *bytes;
    uint8_t size;
    size_t function; /* the index of the function it is in */
    bool refused;    /* other code jumps between first and the SYSCALL */
};

/* Returns the new item, or NULL (reported) when memory runs out. */
static void *list_add(struct list *list, size_t item_size)
{
    if (list->count == list->capacity) {
        size_t capacity = list->capacity ? 2 * list->capacity : 64;
        void *items = reallocarray(list->items, capacity, item_size);
        if (items == NULL) {
            report("build failed: cannot rewrite the system call sites: out of memory");
            return NULL;
        }
        list->items = items;
        list->capacity = capacity;
    }
    return (char *)list->items + item_size * list->count++;
}

static bool in_group(const cs_insn *insn, uint8_t group)
{
    for (uint8_t i = 0; i < insn->detail->groups_count; i++)
        if (insn->detail->groups[i] == group)
            return true;
    return false;
}

/* jmp, jcc, call, loop, jrcxz, xbegin */
static bool is_jump_or_call(const cs_insn *insn)
{
    return in_group(insn, CS_GRP_JUMP) || in_group(insn, CS_GRP_CALL) ||
           in_group(insn, CS_GRP_BRANCH_RELATIVE);
}

/* Anything that goes elsewhere: a jump or call, ret, int, syscall, iret */
static bool is_branch(const cs_insn *insn)
{
    return is_jump_or_call(insn) || in_group(insn, CS_GRP_RET) || in_group(insn, CS_GRP_INT) ||
           in_group(insn, CS_GRP_IRET);
}

/* Where a jump or call with a rel operand goes; false for any other
 * instruction. */
static bool direct_target(const cs_insn *insn, uint64_t *target)
{
    const cs_x86 *x86 = &insn->detail->x86;
    if (!is_jump_or_call(insn) || x86->op_count != 1 || x86->operands[0].type != X86_OP_IMM)
        return false;
    *target = (uint64_t)x86->operands[0].imm;
    return true;
}

static bool reads_rip(const cs_insn *insn)
{
    const cs_x86 *x86 = &insn->detail->x86;
    for (uint8_t i = 0; i < insn->detail->regs_read_count; i++)
        if (insn->detail->regs_read[i] == X86_REG_RIP)
            return true;
    for (uint8_t i = 0; i < x86->op_count; i++)
        if (x86->operands[i].type == X86_OP_MEM && x86->operands[i].mem.base == X86_REG_RIP)
            return true;
    return false;
}

static bool is_syscall(const cs_insn *insn)
{
    return insn->size == SYSCALL_SIZE && memcmp(insn->bytes, syscall_bytes, SYSCALL_SIZE) == 0;
}

static int ascending(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Whether any of the ascending addresses lies strictly between low and
 * high. */
static bool any_between(const uint64_t *addrs, size_t count, uint64_t low, uint64_t high)
{
    size_t lo = 0, hi = count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (addrs[mid] <= low)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < count && addrs[lo] < high;
}

/* A linear sweep from the function's start, so that the bytes matched are
 * whole instructions, not the middle of one; it stops at the first bytes
 * that are no instruction.  Returns 0, or -1 (reported). */
static int sweep_function(csh handle, cs_insn *insn, const struct code_function *function,
                          struct sweep *sweep)
{
    const uint8_t *code = function->bytes;
    size_t left = function->size;
    uint64_t addr = function->addr, target;
    sweep->insns.count = sweep->targets.count = 0;
    sweep->jumps_not_known = false;
    while (cs_disasm_iter(handle, &code, &left, &addr, insn)) {
        struct insn *facts = list_add(&sweep->insns, sizeof *facts);
        if (facts == NULL)
            return -1;
        *facts =
            (struct insn){insn->address, (uint8_t)insn->size,
                          !is_branch(insn) && !in_group(insn, CS_GRP_PRIVILEGE) && !reads_rip(insn),
                          is_syscall(insn)};
        if (direct_target(insn, &target)) {
            uint64_t *slot = list_add(&sweep->targets, sizeof *slot);
            if (slot == NULL)
                return -1;
            *slot = target;
        } else if (in_group(insn, CS_GRP_JUMP)) {
            sweep->jumps_not_known = true;
        }
    }
    if (left > 0)
        sweep->jumps_not_known = true;
    if (sweep->targets.count > 1)
        qsort(sweep->targets.items, sweep->targets.count, sizeof(uint64_t), ascending);
    return 0;
}

/* The fewest instructions right before the SYSCALL at index that make a
 * jmp's 5 bytes, if they can move; false if they cannot. */
static bool plan_site(const struct sweep *sweep, size_t index, const struct code_function *function,
                      struct site *site)
{
    const struct insn *insns = sweep->insns.items;
    size_t first = index, size = 0;
    while (size < JMP_SIZE) {
        if (first == 0 || index - first == SYSCALL_MOVED_MAX || !insns[first - 1].movable)
            return false;
        size += insns[--first].size;
    }
    uint64_t addr = insns[first].addr;
    if (index - first > 1 &&
        (sweep->jumps_not_known ||
         any_between(sweep->targets.items, sweep->targets.count, addr, addr + size)))
        return false;
    *site = (struct site){addr, function->bytes + (addr - function->addr), (uint8_t)size, 0, false};
    return true;
}

/* Adds each site of the function that can move to sites.  Returns 0, or
 * -1 (reported). */
static int plan_function(csh handle, cs_insn *insn, const struct code_function *function,
                         size_t index, struct sweep *sweep, struct list *sites,
                         struct syscall_site_count *count)
{
    struct site site;
    if (memmem(function->bytes, function->size, syscall_bytes, SYSCALL_SIZE) == NULL)
        return 0;
    if (sweep_function(handle, insn, function, sweep) != 0)
        return -1;
    const struct insn *insns = sweep->insns.items;
    for (size_t i = 0; i < sweep->insns.count; i++) {
        if (!insns[i].syscall)
            continue;
        count->found++;
        if (!plan_site(sweep, i, function, &site))
            continue;
        site.function = index;
        struct site *added = list_add(sites, sizeof *added);
        if (added == NULL)
            return -1;
        *added = site;
    }
    return 0;
}

/* The site whose moved bytes hold target past their first, if any.
 * Sites are in address order and do not overlap. */
static struct site *site_around(const struct list *sites, uint64_t target)
{
    struct site *all = sites->items;
    size_t lo = 0, hi = sites->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (all[mid].first < target)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0 || target >= all[lo - 1].first + all[lo - 1].size)
        return NULL;
    return &all[lo - 1];
}

static int32_t get_i32(const uint8_t *at)
{
    int32_t value;
    memcpy(&value, at, sizeof value);
    return value;
}

/* Refuses the sites that another function's rel32 jmp, jcc or call lands
 * inside (a GCC .cold part jumps back into its function).  Found by bytes
 * alone, not decoded: decoding every function made SQLite's build 80 ms
 * longer, and a false match only leaves a site slow. */
static void refuse_jumps_from(const struct code_function *function, size_t index,
                              const struct list *sites)
{
    for (size_t at = 0; at + JMP_SIZE <= function->size; at++) {
        const uint8_t *bytes = function->bytes + at;
        uint64_t next = function->addr + at;
        int32_t rel;
        if (bytes[0] == JMP_REL32 || bytes[0] == CALL_REL32) {
            next += JMP_SIZE;
            rel = get_i32(bytes + 1);
        } else if (bytes[0] == JCC_REL32 && at + JCC_SIZE <= function->size &&
                   bytes[1] >= JCC_FIRST && bytes[1] <= JCC_LAST) {
            next += JCC_SIZE;
            rel = get_i32(bytes + 2);
        } else {
            continue;
        }
        struct site *site = site_around(sites, next + (uint64_t)(int64_t)rel);
        if (site != NULL && site->function != index)
            site->refused = true;
    }
}

/* Refuses the sites that other code may jump inside: at a symbol, or by
 * a rel32 jump from another function. */
static void refuse_jumps_into(const struct program_code *program, const struct list *sites)
{
    struct site *all = sites->items;
    for (size_t i = 0; i < sites->count; i++)
        if (any_between(program->labels, program->label_count, all[i].first,
                        all[i].first + all[i].size))
            all[i].refused = true;
    uint64_t swept_to = 0;
    for (size_t i = 0; i < program->function_count && sites->count > 0; i++) {
        const struct code_function *function = &program->functions[i];
        if (function->addr < swept_to)
            continue;
        refuse_jumps_from(function, i, sites);
        swept_to = function->addr + function->size;
    }
}

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

/* Only functions that hold the bytes of a SYSCALL are decoded: Capstone
 * formats each instruction's text.  A function that starts inside the
 * one before it (an alias, a label given a size) was swept with it. */
static int plan_sites(csh handle, cs_insn *insn, const struct program_code *program,
                      struct list *sites, struct syscall_site_count *count)
{
    struct sweep sweep = {0};
    uint64_t swept_to = 0;
    int rc = 0;
    for (size_t i = 0; i < program->function_count && rc == 0; i++) {
        const struct code_function *function = &program->functions[i];
        if (function->addr < swept_to)
            continue;
        rc = plan_function(handle, insn, function, i, &sweep, sites, count);
        swept_to = function->addr + function->size;
    }
    free(sweep.insns.items);
    free(sweep.targets.items);
    return rc;
}

int syscall_sites_rewrite(const struct program_code *program, struct trampoline_area *area,
                          struct syscall_site_count *count)
{
    csh handle;
    struct list sites = {0};
    *count = (struct syscall_site_count){0};
    if (cs_open(CS_ARCH_X86, CS_MODE_64, &handle) != CS_ERR_OK ||
        cs_option(handle, CS_OPT_DETAIL, CS_OPT_ON) != CS_ERR_OK)
        return report("build failed: cannot start the x86-64 disassembler");
    cs_insn *insn = cs_malloc(handle);
    if (insn == NULL) {
        cs_close(&handle);
        return report("build failed: cannot start the x86-64 disassembler: out of memory");
    }
    int rc = plan_sites(handle, insn, program, &sites, count);
    if (rc == 0) {
        refuse_jumps_into(program, &sites);
        rewrite_sites(&sites, area, count);
    }
    free(sites.items);
    cs_free(insn, 1);
    cs_close(&handle);
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
