/*
 * Guest RAM is one host reservation, handed to KVM lazily, as memory
 * slots at its two ends: the low end (image, brk) grows up and the high
 * end (stack, mmap) grows down.  Measured on PVM: a slot costs time in
 * proportion to its size (a 4 GiB slot, 2-3 ms to add and as much to
 * tear down), so backing only what the guest uses keeps --mem free.
 * The same holds inside the low end: the embedded files' pages, which a
 * program may never read, are a hole backed a 2 MiB piece at a time (a
 * piece's slot costs about 65 us).  A piece first touched keeps the
 * image file's copy-on-write pages, whose every 4 KiB page then costs
 * KVM a fault (~20 us on PVM: 330 ms for 64 MiB); a piece the program
 * asks for ahead (MEMORY, before a big read) is copied into anonymous
 * huge pages, which KVM maps 2 MiB at a time.
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

/* The embedded files' pages: [start, end), page-aligned inside the low
 * end, or empty; their bytes are in the image file fd from file_offset. */
struct ram_hole {
    uint64_t start;
    uint64_t end;
    int fd;
    uint64_t file_offset;
};

/* Backs [0, low_end) and [high_start, RAM's end), but for the hole;
 * reports failures. */
int ram_back_ends(struct vm *vm, uint64_t low_end, uint64_t high_start,
                  const struct ram_hole *hole);

/* Backs at least [start, end), growing one end, each time at least by as
 * much as it has (so a guest needs few slots), or copying the hole's
 * pieces into huge pages; reports failures.  The range must lie inside
 * RAM. */
int ram_back(struct vm *vm, uint64_t start, uint64_t end);

/* Backs what of the hole is not yet.  Returns 1 when it did, 0 when
 * there was nothing to back, -1 when backing failed (reported). */
int ram_back_hole(struct vm *vm);

/* The guest touched gpa, where KVM had no slot when it began the access:
 * the hole, whose piece is backed now.  Returns 1 when gpa is backed (now), 0
 * when the program never allocated it, -1 when backing failed (reported). */
int ram_back_touched(struct vm *vm, uint64_t gpa);

/* Calls visit(context, start, end) for each range of RAM KVM has as a
 * slot, lowest first, until one returns nonzero, which it returns: what
 * of RAM the guest can have written (a core holds no more). */
typedef int ram_range_fn(void *context, uint64_t start, uint64_t end);
int ram_backed_each(const struct vm *vm, ram_range_fn *visit, void *context);

#endif
