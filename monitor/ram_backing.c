#include "ram_backing.h"

#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "common/bits.h"
#include "common/report.h"

#define ALIGN_DOWN(x) ((x) & ~(RAM_BACKING_STEP - 1))

_Static_assert(RAM_HOLE_PIECES *RAM_BACKING_STEP >= KILN_MEM_MAX, "a hole piece for all of RAM");

static uint64_t max_u64(uint64_t a, uint64_t b)
{
    return a > b ? a : b;
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
    return a < b ? a : b;
}

/* The next slot, over [start, end), with KVM_MEM_* flags. */
static int add_slot(struct vm *vm, uint64_t start, uint64_t end, uint32_t flags)
{
    if (start >= end)
        return 0;
    struct kvm_userspace_memory_region region = {
        .slot = vm->backing.slots,
        .flags = flags,
        .guest_phys_addr = start,
        .memory_size = end - start,
        .userspace_addr = (uint64_t)(uintptr_t)(vm->mem.host + start),
    };
    if (ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &region) != 0)
        return report("%s: backing guest RAM 0x%lx-0x%lx: %s", vm->name, start, end,
                      strerror(errno));
    vm->backing.slots++;
    return 0;
}

int ram_back_all(struct vm *vm, uint32_t flags)
{
    if (add_slot(vm, 0, vm->mem.size, flags) != 0)
        return -1;
    vm->backing.low_end = vm->backing.high_start = vm->mem.size;
    return 0;
}

int ram_back_ends(struct vm *vm, uint64_t low_end, uint64_t high_start, const struct ram_hole *hole)
{
    struct ram_backing *backing = &vm->backing;
    uint64_t hole_start = hole->start < hole->end ? hole->start : low_end;
    uint64_t hole_end = hole->start < hole->end ? hole->end : low_end;
    *backing = (struct ram_backing){.low_end = low_end,
                                    .high_start = max_u64(high_start, low_end),
                                    .hole_start = hole_start,
                                    .hole_end = hole_end,
                                    .hole_fd = hole->fd,
                                    .hole_file_offset = hole->file_offset};
    if (add_slot(vm, 0, hole_start, 0) != 0 || add_slot(vm, hole_end, low_end, 0) != 0 ||
        add_slot(vm, backing->high_start, vm->mem.size, 0) != 0)
        return -1;
    return 0;
}

/* Pieces are the 2 MiB-aligned stretches of guest RAM, cut to the hole. */
static uint64_t piece_of(const struct ram_backing *backing, uint64_t gpa)
{
    return (gpa - ALIGN_DOWN(backing->hole_start)) / RAM_BACKING_STEP;
}

static void piece_range(const struct ram_backing *backing, uint64_t piece, uint64_t *start,
                        uint64_t *end)
{
    uint64_t at = ALIGN_DOWN(backing->hole_start) + piece * RAM_BACKING_STEP;
    *start = max_u64(at, backing->hole_start);
    *end = min_u64(at + RAM_BACKING_STEP, backing->hole_end);
}

/* The image file's pages of [start, end) replaced by anonymous ones,
 * huge where the kernel can, holding the same bytes. */
static int copy_piece(struct vm *vm, uint64_t start, uint64_t end)
{
    const struct ram_backing *backing = &vm->backing;
    uint8_t *host = vm->mem.host + start;
    uint64_t len = end - start;
    if (mmap(host, len, PROT_READ | PROT_WRITE,
             MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, -1, 0) == MAP_FAILED)
        return report("%s: mapping the embedded files 0x%lx-0x%lx: %s", vm->name, start, end,
                      strerror(errno));
    madvise(host, len, MADV_HUGEPAGE);
    off_t from = (off_t)(backing->hole_file_offset + (start - backing->hole_start));
    for (uint64_t done = 0; done < len;) {
        ssize_t got = pread(backing->hole_fd, host + done, len - done, from + (off_t)done);
        if (got <= 0)
            return report("%s: reading the embedded files: %s", vm->name,
                          got < 0 ? strerror(errno) : "the image file is shorter than it was");
        done += (uint64_t)got;
    }
    return 0;
}

/* Backs the hole's pieces that [start, end) meets; copy: into huge pages.
 * Returns 1 when it backed any, 0 when none were left, -1 on failure. */
static int back_hole(struct vm *vm, uint64_t start, uint64_t end, bool copy)
{
    struct ram_backing *backing = &vm->backing;
    start = max_u64(start, backing->hole_start);
    end = min_u64(end, backing->hole_end);
    if (start >= end)
        return 0;
    int backed = 0;
    for (uint64_t piece = piece_of(backing, start); piece <= piece_of(backing, end - 1); piece++) {
        uint64_t from, to;
        if (piece >= RAM_HOLE_PIECES || bitmap_test(backing->hole_backed, piece))
            continue;
        piece_range(backing, piece, &from, &to);
        if ((copy && copy_piece(vm, from, to) != 0) || add_slot(vm, from, to, 0) != 0)
            return -1;
        bitmap_set(backing->hole_backed, piece);
        backed = 1;
    }
    return backed;
}

int ram_back_hole(struct vm *vm)
{
    return back_hole(vm, 0, vm->mem.size, false);
}

int ram_back_touched(struct vm *vm, uint64_t gpa)
{
    const struct ram_backing *backing = &vm->backing;
    if (back_hole(vm, gpa, gpa + 1, false) < 0)
        return -1;
    return gpa < backing->low_end || (gpa >= backing->high_start && gpa < vm->mem.size);
}

/* Memory the program asks for after boot comes in bulk: host huge pages
 * let KVM fault it in 2 MiB at a time instead of 4 KiB.  Best effort:
 * without them it only costs more faults. */
static int add_grown_slot(struct vm *vm, uint64_t start, uint64_t end)
{
    if (start < end)
        madvise(vm->mem.host + start, end - start, MADV_HUGEPAGE);
    return add_slot(vm, start, end, 0);
}

/* Where the low end would grow to, or the high end down to, to back
 * [start, end). */
static uint64_t grown_low_end(const struct ram_backing *backing, uint64_t end)
{
    uint64_t doubled = min_u64(2 * backing->low_end, backing->high_start);
    return min_u64(max_u64(ALIGN_UP(end, RAM_BACKING_STEP), doubled), backing->high_start);
}

static uint64_t grown_high_start(const struct ram_backing *backing, uint64_t start, uint64_t size)
{
    uint64_t backed = size - backing->high_start;
    uint64_t doubled = backing->high_start - min_u64(backed, backing->high_start);
    return max_u64(min_u64(ALIGN_DOWN(start), max_u64(doubled, backing->low_end)),
                   backing->low_end);
}

int ram_back(struct vm *vm, uint64_t start, uint64_t end)
{
    struct ram_backing *backing = &vm->backing;
    if (back_hole(vm, start, end, true) < 0)
        return -1;
    if (end <= backing->low_end || start >= backing->high_start || start >= end)
        return 0;
    start = max_u64(start, backing->low_end);
    end = min_u64(end, backing->high_start);
    if (start - backing->low_end <= backing->high_start - end) {
        uint64_t low_end = grown_low_end(backing, end);
        if (add_grown_slot(vm, backing->low_end, low_end) != 0)
            return -1;
        backing->low_end = low_end;
        return 0;
    }
    uint64_t high_start = grown_high_start(backing, start, vm->mem.size);
    if (add_grown_slot(vm, high_start, backing->high_start) != 0)
        return -1;
    backing->high_start = high_start;
    return 0;
}

/* The pieces of the hole come between its two sides' slots. */
int ram_backed_each(const struct vm *vm, ram_range_fn *visit, void *context)
{
    const struct ram_backing *backing = &vm->backing;
    int rc = visit(context, 0, backing->hole_start);
    uint64_t last =
        backing->hole_start < backing->hole_end ? piece_of(backing, backing->hole_end - 1) : 0;
    for (uint64_t piece = 0; rc == 0 && backing->hole_start < backing->hole_end && piece <= last;
         piece++) {
        uint64_t from, to;
        if (piece < RAM_HOLE_PIECES && bitmap_test(backing->hole_backed, piece)) {
            piece_range(backing, piece, &from, &to);
            rc = visit(context, from, to);
        }
    }
    if (rc == 0)
        rc = visit(context, backing->hole_end, backing->low_end);
    if (rc == 0)
        rc = visit(context, backing->high_start, vm->mem.size);
    return rc;
}
