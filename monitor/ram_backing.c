#include "ram_backing.h"

#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "common/bits.h"
#include "common/report.h"

#define ALIGN_DOWN(x) ((x) & ~(RAM_BACKING_STEP - 1))

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

int ram_back_ends(struct vm *vm, uint64_t low_end, uint64_t high_start, uint64_t hole_start,
                  uint64_t hole_end)
{
    high_start = max_u64(high_start, low_end);
    if (hole_start >= hole_end)
        hole_start = hole_end = low_end;
    vm->backing = (struct ram_backing){.low_end = low_end,
                                       .high_start = high_start,
                                       .hole_start = hole_start,
                                       .hole_end = hole_end};
    if (add_slot(vm, 0, hole_start, 0) != 0 || add_slot(vm, hole_end, low_end, 0) != 0 ||
        add_slot(vm, high_start, vm->mem.size, 0) != 0)
        return -1;
    return 0;
}

int ram_back_hole(struct vm *vm)
{
    struct ram_backing *backing = &vm->backing;
    if (backing->hole_start >= backing->hole_end)
        return 0;
    if (add_slot(vm, backing->hole_start, backing->hole_end, 0) != 0)
        return -1;
    backing->hole_end = backing->hole_start;
    return 1;
}

static bool in_hole(const struct ram_backing *backing, uint64_t gpa)
{
    return gpa >= backing->hole_start && gpa < backing->hole_end;
}

int ram_back_touched(struct vm *vm, uint64_t gpa)
{
    const struct ram_backing *backing = &vm->backing;
    if (in_hole(backing, gpa) && ram_back_hole(vm) < 0)
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
    if (start < backing->hole_end && end > backing->hole_start && ram_back_hole(vm) < 0)
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
