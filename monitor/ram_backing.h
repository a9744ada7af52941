/*
 * Guest RAM is one host reservation, handed to KVM lazily, as memory
 * slots at its two ends: the low end (image, brk) grows up and the high
 * end (stack, mmap) grows down.  Measured on PVM: a slot costs time in
 * proportion to its size (a 4 GiB slot, 2-3 ms to add and as much to
 * tear down), so backing only what the guest uses keeps --mem free.
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

/* Backs [0, low_end) and [high_start, RAM's end); reports failures. */
int ram_back_ends(struct vm *vm, uint64_t low_end, uint64_t high_start);

/* Backs at least [start, end), growing one end, each time at least by as
 * much as it has (so a guest needs few slots); reports failures.  The
 * range must lie inside RAM. */
int ram_back(struct vm *vm, uint64_t start, uint64_t end);

#endif
