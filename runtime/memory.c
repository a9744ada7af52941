/*
 * brk and anonymous mmap over one arena: [heap_start, the stack's guard
 * page).  brk grows up from the bottom, mmap hands out pages from the top
 * down, and the two never cross:
 *
 *   heap_start      break        mmap_low                      arena_end
 *   | brk in use    | gap (free)  | mmap: in use or in the free table |
 *
 * Pages freed inside the mmap region go to a sorted table of free ranges;
 * a freed range that reaches mmap_low goes back to the gap instead.  The
 * guest's RAM starts out zero, so only pages handed out before are zeroed
 * when handed out again: two high-water marks (brk_high, mmap_touched_low)
 * bound them.  Zeroing a never-used page would make the host back it.
 *
 * The monitor backs RAM lazily: below backed_low_end and from
 * backed_high_start up.  Every page handed out passes through
 * ensure_backed() first, which asks for more with the MEMORY call.
 *
 * Page protections are not enforced: the page tables are the monitor's,
 * set once at boot, so mprotect only checks its arguments.
 */
#define _GNU_SOURCE
#include "memory.h"
#include "boot_info.h"
#include "bytes.h"
#include "file_mmap.h"
#include "hypercall.h"
#include "min_max.h"
#include <errno.h>
#include <stdbool.h>
#include <sys/mman.h>

/* When the table is full, a call that needs another range fails with
 * ENOMEM rather than losing track of memory. */
#define FREE_RANGE_SLOTS 256
#define PAGE_MASK        ((uint64_t)KILN_PAGE_SIZE - 1)

struct free_range {
    uint64_t start;
    uint64_t end;
};

struct memory_state {
    bool ready;
    uint64_t heap_start;        /* the lowest break */
    uint64_t arena_end;         /* one past mmap's highest page */
    uint64_t brk;               /* the program break, byte-exact as on Linux */
    uint64_t brk_high;          /* pages below this may hold old brk data */
    uint64_t mmap_low;          /* lowest page of the mmap region */
    uint64_t mmap_touched_low;  /* pages from this up may hold old mmap data */
    uint64_t backed_low_end;    /* RAM the monitor backs: below this... */
    uint64_t backed_high_start; /* ...and from this up */
    uint32_t free_count;
    struct free_range free[FREE_RANGE_SLOTS]; /* sorted, never touching */
};

static bool page_aligned(uint64_t value)
{
    return (value & PAGE_MASK) == 0;
}

/* Rounds len up to whole pages; false if that overflows. */
static bool round_to_pages(uint64_t len, uint64_t *rounded)
{
    if (len > UINT64_MAX - PAGE_MASK)
        return false;
    *rounded = (len + PAGE_MASK) & ~PAGE_MASK;
    return true;
}

static void memory_init(struct memory_state *m, uint64_t heap_start, uint64_t arena_end)
{
    m->backed_low_end = boot_info()->backed_low_end;
    m->backed_high_start = boot_info()->backed_high_start;
    m->heap_start = heap_start;
    m->arena_end = arena_end;
    m->brk = heap_start;
    m->brk_high = heap_start;
    m->mmap_low = arena_end;
    m->mmap_touched_low = arena_end;
    m->free_count = 0;
    m->ready = true;
}

/* The arena ends below the stack's guard page; a boot info whose heap
 * starts above that gives an empty arena, so every request fails cleanly. */
static struct memory_state *memory_get(void)
{
    static struct memory_state memory;

    if (!memory.ready) {
        const struct kiln_boot_info *info = boot_info();
        uint64_t end = info->stack_bottom & ~PAGE_MASK;
        end = end >= KILN_PAGE_SIZE ? end - KILN_PAGE_SIZE : 0;
        uint64_t start =
            info->heap_start <= end ? (info->heap_start + PAGE_MASK) & ~PAGE_MASK : end;
        memory_init(&memory, start, end);
    }
    return &memory;
}

static uint64_t break_end(const struct memory_state *m)
{
    return (m->brk + PAGE_MASK) & ~PAGE_MASK;
}

static void ensure_backed(struct memory_state *m, uint64_t start, uint64_t end)
{
    if (end <= m->backed_low_end || start >= m->backed_high_start || start >= end)
        return;
    struct kiln_hc_memory backed = hypercall_memory(start, end);
    m->backed_low_end = backed.backed_low_end;
    m->backed_high_start = backed.backed_high_start;
}

static void zero_span(uint64_t start, uint64_t end)
{
    if (start < end)
        bytes_zero((void *)(uintptr_t)start, end - start);
}

/* Zeroes what of [start, end) was ever handed out; the rest is still zero. */
static void zero_reused(const struct memory_state *m, uint64_t start, uint64_t end)
{
    zero_span(max_u64(start, m->heap_start), min_u64(end, m->brk_high));
    zero_span(max_u64(start, m->mmap_touched_low), min_u64(end, m->arena_end));
}

static void free_remove(struct memory_state *m, uint32_t index, uint32_t count)
{
    for (uint32_t i = index; i + count < m->free_count; i++)
        m->free[i] = m->free[i + count];
    m->free_count -= count;
}

static bool free_insert(struct memory_state *m, uint32_t index, uint64_t start, uint64_t end)
{
    if (m->free_count == FREE_RANGE_SLOTS)
        return false;
    for (uint32_t i = m->free_count; i > index; i--)
        m->free[i] = m->free[i - 1];
    m->free[index] = (struct free_range){.start = start, .end = end};
    m->free_count++;
    return true;
}

/* A free range that reaches mmap_low joins the gap, where brk can use it. */
static void return_lowest_to_gap(struct memory_state *m)
{
    if (m->free_count > 0 && m->free[0].start == m->mmap_low) {
        m->mmap_low = m->free[0].end;
        free_remove(m, 0, 1);
    }
}

/* Frees what of [start, end) lies in the mmap region, merging it with the
 * free ranges it overlaps or touches.  Freeing free pages is harmless, as
 * munmap of unmapped pages is on Linux. */
static long release(struct memory_state *m, uint64_t start, uint64_t end)
{
    start = max_u64(start, m->mmap_low);
    end = min_u64(end, m->arena_end);
    if (start >= end)
        return 0;

    uint32_t first = 0;
    while (first < m->free_count && m->free[first].end < start)
        first++;
    uint32_t last = first;
    while (last < m->free_count && m->free[last].start <= end)
        last++;

    if (first == last) {
        if (!free_insert(m, first, start, end))
            return -ENOMEM;
    } else {
        m->free[first].start = min_u64(start, m->free[first].start);
        m->free[first].end = max_u64(end, m->free[last - 1].end);
        free_remove(m, first + 1, last - first - 1);
    }
    return_lowest_to_gap(m);
    return 0;
}

/* Takes [start, end) out of the free table; splitting a range needs one
 * more slot, which the caller has made sure of. */
static void free_take_span(struct memory_state *m, uint64_t start, uint64_t end)
{
    uint32_t i = 0;

    while (i < m->free_count) {
        struct free_range *range = &m->free[i];
        if (range->end <= start || range->start >= end) {
            i++;
        } else if (range->start < start && range->end > end) {
            free_insert(m, i + 1, end, range->end);
            range->end = start;
            return;
        } else if (range->start < start) {
            range->end = start;
            i++;
        } else if (range->end > end) {
            range->start = end;
            i++;
        } else {
            free_remove(m, i, 1);
        }
    }
}

/* The highest free range that fits gives up its top len bytes; 0: none. */
static uint64_t take_from_free(struct memory_state *m, uint64_t len)
{
    for (uint32_t i = m->free_count; i-- > 0;) {
        struct free_range *range = &m->free[i];
        if (range->end - range->start < len)
            continue;
        range->end -= len;
        uint64_t addr = range->end;
        if (range->start == range->end)
            free_remove(m, i, 1);
        return addr;
    }
    return 0;
}

static uint64_t take_from_gap(struct memory_state *m, uint64_t len)
{
    if (m->mmap_low - break_end(m) < len)
        return 0;
    m->mmap_low -= len;
    return m->mmap_low;
}

static void hand_out(struct memory_state *m, uint64_t addr, uint64_t len)
{
    ensure_backed(m, addr, addr + len);
    zero_reused(m, addr, addr + len);
    m->mmap_touched_low = min_u64(m->mmap_touched_low, addr);
}

/* len: whole pages, not 0.  The address, or -ENOMEM. */
static long map_anywhere(struct memory_state *m, uint64_t len)
{
    uint64_t addr = take_from_free(m, len);

    if (addr == 0)
        addr = take_from_gap(m, len);
    if (addr == 0)
        return -ENOMEM;
    hand_out(m, addr, len);
    return (long)addr;
}

/* MAP_FIXED: [start, end) becomes fresh zero pages wherever it lies in the
 * arena.  The part above the break joins the mmap region; the gap between
 * it and the old mmap_low becomes a free range. */
static long claim(struct memory_state *m, uint64_t start, uint64_t end)
{
    uint64_t low = max_u64(start, break_end(m));

    /* One slot for the gap's remainder, one for splitting a free range. */
    if (m->free_count + 2 > FREE_RANGE_SLOTS)
        return -ENOMEM;
    ensure_backed(m, start, end);
    zero_reused(m, start, end);
    if (low < end && low < m->mmap_low) {
        if (end < m->mmap_low)
            free_insert(m, 0, end, m->mmap_low);
        m->mmap_low = low;
        m->mmap_touched_low = min_u64(m->mmap_touched_low, low);
    }
    free_take_span(m, start, end);
    return (long)start;
}

/* Free ranges never touch, so a free span lies inside a single range. */
static bool free_covers(const struct memory_state *m, uint64_t start, uint64_t end)
{
    for (uint32_t i = 0; i < m->free_count; i++)
        if (m->free[i].start <= start && m->free[i].end >= end)
            return true;
    return false;
}

static bool overlaps_used(const struct memory_state *m, uint64_t start, uint64_t end)
{
    if (start < break_end(m) && end > m->heap_start)
        return true;
    start = max_u64(start, m->mmap_low);
    end = min_u64(end, m->arena_end);
    return start < end && !free_covers(m, start, end);
}

/* Every page of [start, end) is an mmap page in use. */
static bool mapped_by_mmap(const struct memory_state *m, uint64_t start, uint64_t end)
{
    if (start < m->mmap_low || end > m->arena_end)
        return false;
    for (uint32_t i = 0; i < m->free_count; i++)
        if (m->free[i].start < end && m->free[i].end > start)
            return false;
    return true;
}

static long map_fixed(struct memory_state *m, uint64_t addr, uint64_t len, bool noreplace)
{
    if (!page_aligned(addr))
        return -EINVAL;
    if (addr < m->heap_start || addr > m->arena_end || len > m->arena_end - addr)
        return -ENOMEM;
    if (noreplace && overlaps_used(m, addr, addr + len))
        return -EEXIST;
    return claim(m, addr, addr + len);
}

/* Growing in place takes the start of the free range right above. */
static bool grow_in_place(struct memory_state *m, uint64_t start, uint64_t end)
{
    for (uint32_t i = 0; i < m->free_count; i++) {
        struct free_range *range = &m->free[i];
        if (range->start != start)
            continue;
        if (range->end < end)
            return false;
        zero_reused(m, start, end);
        range->start = end;
        if (range->start == range->end)
            free_remove(m, i, 1);
        return true;
    }
    return false;
}

/* Free bytes right below the mapping at start: the gap, when it is the
 * lowest mapping, or the free range that ends there. */
static uint64_t free_below(const struct memory_state *m, uint64_t start)
{
    if (start == m->mmap_low)
        return start - break_end(m);
    for (uint32_t i = 0; i < m->free_count; i++)
        if (m->free[i].end == start)
            return start - m->free[i].start;
    return 0;
}

/* Free bytes right above the mapping that ends at end. */
static uint64_t free_above(const struct memory_state *m, uint64_t end)
{
    for (uint32_t i = 0; i < m->free_count; i++)
        if (m->free[i].start == end)
            return m->free[i].end - end;
    return 0;
}

/* Grows a mapping over the free pages on both sides of it, sliding its
 * contents down: with RAM as the only address space, a growing realloc
 * buffer then needs no second copy of itself.  Taking from the gap or
 * trimming free ranges never needs a slot. */
static long grow_around(struct memory_state *m, uint64_t old, uint64_t old_len, uint64_t new_len)
{
    uint64_t old_end = old + old_len;
    uint64_t above = free_above(m, old_end);
    uint64_t below = free_below(m, old);
    uint64_t extra = new_len - old_len;

    if (above + below < extra)
        return -ENOMEM;
    uint64_t up = min_u64(above, extra);
    uint64_t start = old - (extra - up);
    if (start < m->mmap_low)
        m->mmap_low = start;
    free_take_span(m, start, old);
    free_take_span(m, old_end, old_end + up);
    ensure_backed(m, start, old_end + up);
    bytes_copy((void *)(uintptr_t)start, (const void *)(uintptr_t)old, old_len);
    zero_reused(m, start + old_len, old_end + up);
    m->mmap_touched_low = min_u64(m->mmap_touched_low, start);
    return (long)start;
}

/* Releasing the old pages needs at most one slot, and taking new ones never
 * adds a range, so one free slot now means the move cannot fail half-way. */
static long move_mapping(struct memory_state *m, uint64_t old, uint64_t old_len, uint64_t new_len)
{
    if (m->free_count == FREE_RANGE_SLOTS)
        return -ENOMEM;
    long addr = map_anywhere(m, new_len);
    if (addr < 0)
        return addr;
    bytes_copy((void *)(uintptr_t)addr, (const void *)(uintptr_t)old, old_len);
    release(m, old, old + old_len);
    return addr;
}

static uint64_t set_break(struct memory_state *m, uint64_t request)
{
    if (request < m->heap_start || request > m->mmap_low)
        return m->brk;
    uint64_t old_end = break_end(m);
    uint64_t new_end = (request + PAGE_MASK) & ~PAGE_MASK;
    if (new_end > old_end) {
        ensure_backed(m, old_end, new_end);
        zero_reused(m, old_end, new_end);
        m->brk_high = max_u64(m->brk_high, new_end);
    }
    m->brk = request;
    return request;
}

long kiln_sys_brk(const struct syscall_args *args)
{
    return (long)set_break(memory_get(), args->arg1);
}

long kiln_memory_map(uint64_t addr, uint64_t len, int flags)
{
    if (!round_to_pages(len, &len))
        return -ENOMEM;
    if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE))
        return map_fixed(memory_get(), addr, len, flags & MAP_FIXED_NOREPLACE);
    return map_anywhere(memory_get(), len);
}

void kiln_memory_unmap(uint64_t addr, uint64_t len)
{
    if (round_to_pages(len, &len))
        release(memory_get(), addr, addr + len);
}

long kiln_sys_mmap(const struct syscall_args *args)
{
    uint64_t len = args->arg2;
    int flags = (int)args->arg4;
    int type = flags & MAP_TYPE;

    if ((type != MAP_PRIVATE && type != MAP_SHARED && type != MAP_SHARED_VALIDATE) || len == 0 ||
        !page_aligned(args->arg6))
        return -EINVAL;
    if (!(flags & MAP_ANONYMOUS))
        return kiln_file_mmap(args);
    return kiln_memory_map(args->arg1, len, flags);
}

long kiln_sys_munmap(const struct syscall_args *args)
{
    uint64_t addr = args->arg1;
    uint64_t len = args->arg2;

    if (!page_aligned(addr) || len == 0 || !round_to_pages(len, &len) || len > UINT64_MAX - addr)
        return -EINVAL;
    return release(memory_get(), addr, addr + len);
}

/* MREMAP_FIXED and MREMAP_DONTUNMAP are not supported: EINVAL. */
long kiln_sys_mremap(const struct syscall_args *args)
{
    uint64_t old = args->arg1;
    uint64_t old_len = args->arg2;
    uint64_t new_len = args->arg3;
    int flags = (int)args->arg4;
    struct memory_state *m = memory_get();

    if ((flags & ~MREMAP_MAYMOVE) || !page_aligned(old) || old_len == 0 || new_len == 0)
        return -EINVAL;
    if (!round_to_pages(old_len, &old_len) || !round_to_pages(new_len, &new_len) ||
        old_len > UINT64_MAX - old)
        return -EINVAL;
    if (!mapped_by_mmap(m, old, old + old_len))
        return -EFAULT;
    if (new_len <= old_len) {
        long err = release(m, old + new_len, old + old_len);
        return err ? err : (long)old;
    }
    if (new_len <= m->arena_end - old && grow_in_place(m, old + old_len, old + new_len))
        return (long)old;
    if (!(flags & MREMAP_MAYMOVE))
        return -ENOMEM;
    long addr = grow_around(m, old, old_len, new_len);
    return addr >= 0 ? addr : move_mapping(m, old, old_len, new_len);
}

long kiln_sys_mprotect(const struct syscall_args *args)
{
    return page_aligned(args->arg1) ? 0 : -EINVAL;
}

/* MADV_DONTNEED promises zero pages on the next touch; other advice is a
 * hint that changes nothing we must keep. */
long kiln_sys_madvise(const struct syscall_args *args)
{
    uint64_t addr = args->arg1;
    uint64_t len = args->arg2;
    struct memory_state *m = memory_get();

    if (!page_aligned(addr) || !round_to_pages(len, &len) || len > UINT64_MAX - addr)
        return -EINVAL;
    if ((int)args->arg3 == MADV_DONTNEED)
        zero_reused(m, addr, addr + len);
    return 0;
}

void *kiln_pages_alloc(uint64_t len)
{
    long addr = map_anywhere(memory_get(), len);
    return addr < 0 ? NULL : (void *)(uintptr_t)addr;
}

uint64_t kiln_memory_free_bytes(void)
{
    const struct memory_state *m = memory_get();
    uint64_t bytes = m->mmap_low - break_end(m);

    for (uint32_t i = 0; i < m->free_count; i++)
        bytes += m->free[i].end - m->free[i].start;
    return bytes;
}
