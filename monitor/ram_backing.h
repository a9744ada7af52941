/*
 * Guest RAM is one host reservation, handed to KVM lazily, as memory
 * slots at its two ends: the low end (image, brk) grows up and the high
 * end (stack, mmap) grows down.  Measured on PVM: a slot costs time in
 * proportion to its size (a 4 GiB slot, 2-3 ms to add and as much to
 * tear down), so backing only what the guest uses keeps --mem free.
 * The same holds inside the low end: the embedded files' pages, which a
 * program may never read, are a hole backed at their first touch (100 MiB
 * of them cost 60 us to add and 40 us to remove, 3 % of a boot here).
 */
#ifndef KILN_RAM_BACKING_H
#define KILN_RAM_BACKING_H

#include <stdint.h>

#include "vm.h"

#define RAM_BACKING_STEP (2ull << 20)

/* Backs all of RAM as slot 0 with KVM_MEM_* flags: kiln serve's VMs,
 * whose RAM is a snapshot and whose dirty pages the reset reads from
 * that one slot.  Reports failures. */
int ram_back_all(struct vm *vm, uint32_t flags);

/* Backs [0, low_end) and [high_start, RAM's end), but for the hole
 * [hole_start, hole_end), page-aligned inside [0, low_end) or empty;
 * reports failures. */
int ram_back_ends(struct vm *vm, uint64_t low_end, uint64_t high_start, uint64_t hole_start,
                  uint64_t hole_end);

/* Backs at least [start, end), growing one end, each time at least by as
 * much as it has (so a guest needs few slots), or filling the hole;
 * reports failures.  The range must lie inside RAM. */
int ram_back(struct vm *vm, uint64_t start, uint64_t end);

/* Backs the hole if it is not yet.  Returns 1 when it did, 0 when there
 * was nothing to back, -1 when backing failed (reported). */
int ram_back_hole(struct vm *vm);

/* The guest touched gpa, where KVM had no slot when it began the access:
 * the hole, which is backed now.  Returns 1 when gpa is backed (now), 0
 * when the program never allocated it, -1 when backing failed (reported). */
int ram_back_touched(struct vm *vm, uint64_t gpa);

#endif
