#include "abort_site.h"

#include <string.h>

#include "common/bits.h"
#include "symbols.h"
#include "unwind_table.h"

/* How far above RSP the program's frame may lie: musl's abort path takes
 * a few hundred bytes of stack. */
#define SCAN_BYTES (64u << 10)
#define WORD       8
/* The calls a return address may follow: E8 rel32, or FF /2 (indirect),
 * at most 7 bytes long. */
#define CALL_REL32         0xe8
#define CALL_REL32_SIZE    5
#define OPCODE_GROUP5      0xff
#define CALL_INDIRECT_REG  2
#define MODRM_REG(modrm)   (((modrm) >> 3) & 7)
#define CALL_INSN_SIZE_MAX 7

enum call_kind { CALL_NONE, CALL_DIRECT, CALL_INDIRECT };

struct scan {
    const struct guest_mem *mem;
    const struct image *image;
    const struct unwind_table *unwind;
    const struct symbols *symbols;
    uint64_t end; /* where the stack, or the scan, ends */
};

/* Whether addr lies in a function with unwind tables; *start is then the
 * function's first byte, from the symbol table (an FDE's rows do not say
 * where their function begins). */
static bool unwound_function(const struct scan *scan, uint64_t addr, uint64_t *start)
{
    struct symbol symbol;
    if (!unwind_table_covers(scan->unwind, addr) || !symbols_find(scan->symbols, addr, &symbol))
        return false;
    *start = addr - symbol.offset;
    return true;
}

static bool read_word(const struct scan *scan, uint64_t gpa, uint64_t *value)
{
    const void *at = guest_mem_at(scan->mem, gpa, sizeof *value);
    if (at != NULL)
        memcpy(value, at, sizeof *value);
    return at != NULL;
}

/* The call that a return address follows, read from the instruction's
 * last bytes: a direct one (its target in *target), an indirect one in
 * its register, disp8, SIB or disp32 forms, or none. */
static enum call_kind call_before(const struct scan *scan, uint64_t ret, uint64_t *target)
{
    static const unsigned indirect_sizes[] = {2, 3, 4, 6, 7};
    if (ret < CALL_INSN_SIZE_MAX || !image_holds_code(scan->image, ret - 1))
        return CALL_NONE;
    const uint8_t *code = guest_mem_at(scan->mem, ret - CALL_INSN_SIZE_MAX, CALL_INSN_SIZE_MAX);
    if (code == NULL)
        return CALL_NONE;
    const uint8_t *end = code + CALL_INSN_SIZE_MAX;
    if (end[-CALL_REL32_SIZE] == CALL_REL32) {
        int32_t relative;
        memcpy(&relative, end - sizeof relative, sizeof relative);
        *target = ret + (uint64_t)(int64_t)relative;
        return CALL_DIRECT;
    }
    for (size_t i = 0; i < sizeof indirect_sizes / sizeof indirect_sizes[0]; i++) {
        const uint8_t *opcode = end - indirect_sizes[i];
        if (opcode[0] == OPCODE_GROUP5 && MODRM_REG(opcode[1]) == CALL_INDIRECT_REG)
            return CALL_INDIRECT;
    }
    return CALL_NONE;
}

/* Whether the words at frame are the frame record of function: the
 * caller's RBP and a return address after a call to function, or after
 * an indirect call, whose target no one can tell.  A caller of the
 * program's own (with unwind tables, and frame pointers) keeps its frame
 * higher on the stack, or 0 in the outermost frame; libc's (musl's
 * start, calling main) keeps anything in RBP. */
static bool is_frame_record(const struct scan *scan, uint64_t frame, uint64_t function)
{
    uint64_t caller_rbp, ret, target, caller;
    if (!read_word(scan, frame, &caller_rbp) || !read_word(scan, frame + WORD, &ret))
        return false;
    if (caller_rbp != 0 && (caller_rbp <= frame || caller_rbp >= scan->mem->size) &&
        unwound_function(scan, ret - 1, &caller))
        return false;
    enum call_kind kind = call_before(scan, ret, &target);
    return kind == CALL_INDIRECT || (kind == CALL_DIRECT && target == function);
}

static bool find_frame_record(const struct scan *scan, uint64_t slot, uint64_t function,
                              uint64_t *rbp)
{
    for (uint64_t frame = slot + WORD; frame + 2 * WORD <= scan->end; frame += WORD) {
        if (is_frame_record(scan, frame, function)) {
            *rbp = frame;
            return true;
        }
    }
    return false;
}

/* Whether the word at slot returns into the program after a call, with
 * its function's frame record above it.  A direct call's site is the
 * callee's first instruction, where gdb needs no unwind tables to find
 * the way back. */
static bool try_slot(const struct scan *scan, uint64_t slot, struct abort_site *site)
{
    uint64_t ret, function, target = 0;
    if (!read_word(scan, slot, &ret) || ret == 0 || !unwound_function(scan, ret - 1, &function))
        return false;
    enum call_kind kind = call_before(scan, ret, &target);
    if (kind == CALL_NONE || !find_frame_record(scan, slot, function, &site->rbp))
        return false;
    if (kind == CALL_DIRECT && image_holds_code(scan->image, target)) {
        site->rip = target;
        site->rsp = slot;
    } else {
        site->rip = ret;
        site->rsp = slot + WORD;
    }
    return true;
}

bool abort_site_find(const struct guest_mem *mem, const struct image *image, uint64_t rsp,
                     struct abort_site *site)
{
    struct unwind_table unwind;
    struct symbols symbols;
    if (image->bytes == NULL || rsp >= mem->size ||
        unwind_table_read(&unwind, image->bytes, image->size) != 0)
        return false;
    symbols_open(&symbols, image);
    struct scan scan = {mem, image, &unwind, &symbols,
                        mem->size - rsp > SCAN_BYTES ? rsp + SCAN_BYTES : mem->size};
    struct abort_site found = *site;
    bool ok = false;
    for (uint64_t slot = ALIGN_UP(rsp, WORD); !ok && slot + WORD <= scan.end; slot += WORD)
        ok = try_slot(&scan, slot, &found);
    symbols_close(&symbols);
    unwind_table_free(&unwind);
    if (ok)
        *site = found;
    return ok;
}
