/*
 * The embedded files (kiln/abi.h, runtime/kiln.ld's .kiln_files): up to
 * hundreds of MiB of read-only pages in the image.  Boot never copies,
 * hashes or caches them: their whole pages are mapped from the image file
 * into guest RAM, copy-on-write, on every boot, so that a boot costs the
 * same whatever is embedded.
 */
#ifndef KILN_IMAGE_FILES_H
#define KILN_IMAGE_FILES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "guest_mem.h"

/* The pages of an image mapped from its file; size 0: none.  Only whole
 * pages: a partial last page is loaded (and cached) like any other byte. */
struct image_files {
    uint64_t gpa;         /* page-aligned */
    uint64_t file_offset; /* page-aligned */
    uint64_t size;        /* a multiple of the page size */
};

/* Where the image file's .kiln_files section puts pages that can be
 * mapped: from its section headers alone, so that the boot cache's key
 * can be made without reading the files.  A section that is missing,
 * empty, not page-aligned in file and memory, or past the end of the file
 * gives none (its bytes are then loaded like the rest).  Never fails. */
struct image_files image_files_locate(const uint8_t *bytes, size_t size);

struct image;

/* Checks that the image's files lie in one segment's file bytes, whole
 * pages; from_file: at the same place in the file as that segment's bytes
 * (the boot cache keeps no file offsets: its entries were checked so when
 * they were made).  Reports (as the image) and returns -1 if not. */
int image_files_check(const struct image *image, bool from_file);

/* Whether gpa lies in the files' pages. */
bool image_files_hold(const struct image_files *files, uint64_t gpa);

/* Maps the files' pages from the image file fd, of file_size bytes, over
 * guest RAM.  Returns 0, or a negative errno (EFAULT: they lie outside
 * RAM; EINVAL: outside the file). */
int image_files_map(const struct image_files *files, const struct guest_mem *mem, int fd,
                    uint64_t file_size);

#endif
