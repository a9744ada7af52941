/*
 * The boot cache (DESIGN.md, "Caches"): boot/<image hash> holds an image
 * laid out as guest memory from KILN_IMAGE_BASE (segments at their
 * addresses, their bss zero), after a header page with what booting needs
 * of the ELF (entry, note, segments, program headers).  A hit maps that
 * memory copy-on-write into guest RAM: no ELF parsing, no copying.  Only
 * what depends on the image alone is kept; tables, stack and boot info
 * depend on the run and are written per run.
 */
#ifndef KILN_BOOT_CACHE_H
#define KILN_BOOT_CACHE_H

#include <stdbool.h>
#include <stdint.h>

#include <kiln/abi.h>

#include "common/content_hash.h"
#include "guest_mem.h"
#include "image.h"

#define BOOT_HEADER_SIZE KILN_PAGE_SIZE /* so that the memory after it can be mapped */

/* An entry found in the cache, checked against its hash. */
struct boot_entry {
    int fd;
    uint64_t content_size;            /* bytes of memory from KILN_IMAGE_BASE */
    uint8_t header[BOOT_HEADER_SIZE]; /* a copy: the image's program headers point into it */
};

/* Looks for the image whose file hashes to hash.  Returns 1 with entry
 * open and image filled from it (its bytes NULL); 0 when the cache has no
 * good entry (a corrupt one is dropped; verbose says why). */
int boot_cache_open(struct boot_entry *entry, struct image *image, const char *cache_dir,
                    const struct content_hash *hash, const char *name, bool verbose);

/* Maps the entry's memory copy-on-write over guest RAM from
 * KILN_IMAGE_BASE.  Returns 0, or -1 (reported). */
int boot_cache_map(const struct boot_entry *entry, const struct image *image,
                   const struct guest_mem *mem);

void boot_cache_close(struct boot_entry *entry);

/* Writes the entry of image, whose file hashes to hash, from its laid-out
 * memory in mem (image_load's work).  Failures are reported; the run goes
 * on without. */
void boot_cache_save(const char *cache_dir, const struct content_hash *hash,
                     const struct image *image, const struct guest_mem *mem, bool verbose);

#endif
