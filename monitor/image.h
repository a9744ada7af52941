/*
 * An image file, mapped and checked.  Every check runs before a VM exists:
 * a file that passes image_parse(), or boot-cache fields that pass
 * image_check(), can be laid out in guest RAM safely.
 */
#ifndef KILN_IMAGE_H
#define KILN_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kiln/abi.h>

#include "common/mapped_file.h"
#include "guest_mem.h"
#include "image_files.h"

/* The runtime's two, a program's and its interpreter's (four each as
 * GNU ld lays them out), and room to spare. */
#define IMAGE_MAX_SEGMENTS 16

struct image_segment {
    uint64_t gpa;
    uint64_t file_offset;
    uint64_t file_size;
    uint64_t mem_size;
    uint32_t flags; /* PF_R, PF_W, PF_X */
};

struct image {
    const char *name; /* for messages: the path the user gave */
    uint8_t *bytes;   /* the whole file; NULL when it came from the boot cache */
    size_t size;
    uint64_t entry;
    uint64_t end; /* one past the last byte any segment occupies */
    struct image_segment segments[IMAGE_MAX_SEGMENTS];
    unsigned segment_count;
    const uint8_t *phdrs; /* the program headers, for AT_PHDR */
    uint16_t phdr_count;
    uint16_t phdr_size;
    struct kiln_note note;
    bool has_note;
    struct kiln_program_note program; /* kiln build --elf: see has_program */
    bool has_program;
    struct image_files files; /* the pages mapped from the file, never copied */
};

/* Maps the file at path for image_parse, leaving it open at *fd (its
 * embedded files are mapped from there; close it either way); reports (as
 * name) and returns -1 when it cannot, or when the file is empty. */
int image_map(struct mapped_file *file, int *fd, const char *path, const char *name);

/* Checks an image already in memory; name is only used in messages. */
int image_parse(struct image *image, const char *name, uint8_t *bytes, size_t size);

/* Checks an image whose fields came from elsewhere than its ELF file (the
 * boot cache): its segments and note, as image_parse does; sets its end. */
int image_check(struct image *image);

/* Whether addr lies in an executable segment's bytes. */
bool image_holds_code(const struct image *image, uint64_t addr);

/* Checks, before any VM exists, that the segments end below ram_limit,
 * where the stack's guard page starts; reports if they do not. */
int image_check_fits(const struct image *image, uint64_t ram_limit);

/* Copies the segments into guest RAM that image_check_fits() approved,
 * all but the embedded files' pages, which image_files_map() maps. */
int image_load(const struct image *image, const struct guest_mem *mem);

#endif
