#include "site_plan.h"

#include <capstone/capstone.h>
#include <stdlib.h>
#include <string.h>

#include "common/report.h"

#define CALL_REL32 0xe8
#define JCC_REL32  0x0f /* then 0x80 to 0x8f */
#define JCC_FIRST  0x80
#define JCC_LAST   0x8f
#define JCC_SIZE   6

static const uint8_t syscall_bytes[SYSCALL_SIZE] = {0x0f, 0x05};

/* One instruction of a swept function, as much as the rewrite needs. */
struct insn {
    uint64_t addr;
    uint8_t size;
    bool movable; /* runs the same at any address */
    bool syscall;
};

/* What a sweep of one function learnt. */
struct sweep {
    struct list insns;    /* struct insn, in address order */
    struct list targets;  /* uint64_t: its direct branches' targets, ascending */
    bool jumps_not_known; /* an indirect jmp, or bytes that are no instruction */
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
                         size_t index, struct sweep *sweep, struct list *sites, size_t *found)
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
        (*found)++;
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

/* Only functions that hold the bytes of a SYSCALL are decoded: Capstone
 * formats each instruction's text.  A function that starts inside the
 * one before it (an alias, a label given a size) was swept with it. */
static int plan_sites(csh handle, cs_insn *insn, const struct program_code *program,
                      struct list *sites, size_t *found)
{
    struct sweep sweep = {0};
    uint64_t swept_to = 0;
    int rc = 0;
    for (size_t i = 0; i < program->function_count && rc == 0; i++) {
        const struct code_function *function = &program->functions[i];
        if (function->addr < swept_to)
            continue;
        rc = plan_function(handle, insn, function, i, &sweep, sites, found);
        swept_to = function->addr + function->size;
    }
    free(sweep.insns.items);
    free(sweep.targets.items);
    return rc;
}

int site_plan(const struct program_code *program, struct list *sites, size_t *found)
{
    csh handle;
    if (cs_open(CS_ARCH_X86, CS_MODE_64, &handle) != CS_ERR_OK ||
        cs_option(handle, CS_OPT_DETAIL, CS_OPT_ON) != CS_ERR_OK)
        return report("build failed: cannot start the x86-64 disassembler");
    cs_insn *insn = cs_malloc(handle);
    if (insn == NULL) {
        cs_close(&handle);
        return report("build failed: cannot start the x86-64 disassembler: out of memory");
    }
    int rc = plan_sites(handle, insn, program, sites, found);
    if (rc == 0)
        refuse_jumps_into(program, sites);
    cs_free(insn, 1);
    cs_close(&handle);
    return rc;
}
