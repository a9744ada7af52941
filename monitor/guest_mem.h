/*
 * Guest RAM as the host sees it, and the one way to reach into it.
 * Every guest-physical address and length the monitor touches passes
 * through guest_mem_at(), which refuses ranges that wrap or leave RAM.
 */
#ifndef KILN_GUEST_MEM_H
#define KILN_GUEST_MEM_H

#include <stdbool.h>
#include <stdint.h>

struct guest_mem {
    uint8_t *host;     /* host address of guest-physical 0 */
    uint64_t size;     /* bytes of guest RAM */
    uint64_t *written; /* one bit per page the monitor wrote; NULL: not tracked */
    bool shared;       /* RAM is a file's, which must hold every byte the guest sees */
};

/* The host address of [gpa, gpa + len), or NULL if any byte of it lies
 * outside guest RAM (including when gpa + len wraps). */
void *guest_mem_at(const struct guest_mem *mem, uint64_t gpa, uint64_t len);

/* guest_mem_at() for a range the monitor is about to write.  When writes
 * are tracked its pages are noted: KVM's dirty log sees only the guest's
 * own writes, and a reset must undo the monitor's too. */
void *guest_mem_for_write(const struct guest_mem *mem, uint64_t gpa, uint64_t len);

/* Reserves size bytes of zeroed guest RAM that cost nothing until touched. */
int guest_mem_map(struct guest_mem *mem, uint64_t size);

/* Guest RAM shared with the file fd (size bytes), for a snapshot to keep. */
int guest_mem_map_shared(struct guest_mem *mem, int fd, uint64_t size);

/* Starts noting the pages guest_mem_for_write() hands out. */
int guest_mem_track_writes(struct guest_mem *mem);

void guest_mem_unmap(struct guest_mem *mem);

/* Maps len bytes of the file fd from offset over [gpa, gpa + len) of RAM,
 * copy-on-write: the guest sees the file, its writes stay its own, and the
 * reservation (and the KVM slot over it) stays one.  Returns 0, or a
 * negative errno (EFAULT when the range leaves RAM). */
int guest_mem_map_file(const struct guest_mem *mem, uint64_t gpa, uint64_t len, int fd,
                       uint64_t offset);

/* guest_mem_map_file() of each run of the pages that the bitmap pages
 * marks, guest-physical 0 lying at offset in fd: a snapshot's pages under
 * a clone. */
int guest_mem_map_pages(const struct guest_mem *mem, int fd, uint64_t offset,
                        const uint64_t *pages);

#endif
