/*
 * A Linux x86-64 ELF that kiln did not link, read with libelf: a program
 * (kiln build --elf), its interpreter, or a shared library it needs.  What
 * cannot be loaded is refused in one line that says what the file is.
 */
#ifndef KILN_PROGRAM_ELF_H
#define KILN_PROGRAM_ELF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/mapped_file.h"

#define PROGRAM_MAX_LOADS 8

/* What a file is expected to be; a library may lack an entry point. */
enum program_role { PROGRAM_MAIN, PROGRAM_INTERP, PROGRAM_LIBRARY };

struct program_load {
    uint64_t vaddr; /* as linked: add the load base of an ET_DYN */
    uint64_t offset;
    uint64_t file_size;
    uint64_t mem_size;
    uint32_t flags; /* PF_R, PF_W, PF_X */
};

struct program_elf {
    const char *path;
    struct mapped_file file;
    bool position_independent; /* ET_DYN: placed at a base of kiln's choosing */
    uint64_t entry;
    uint64_t phdr_vaddr; /* where the program headers lie once loaded */
    uint16_t phdr_count;
    struct program_load loads[PROGRAM_MAX_LOADS];
    unsigned load_count;
    uint64_t low, high;  /* the pages the loads span, as linked */
    uint64_t align;      /* the largest p_align of a load */
    const char *interp;  /* PT_INTERP, in file's bytes; NULL when static */
    const char **needed; /* DT_NEEDED names, in file's bytes */
    size_t needed_count;
    const char *rpath;   /* DT_RPATH, or NULL */
    const char *runpath; /* DT_RUNPATH, or NULL */
};

/* Maps and reads the file at path.  Returns 0, or -1 (reported as
 * "PATH: what it is"). */
int program_elf_open(struct program_elf *elf, const char *path, enum program_role role);

/* Reads an embedded file, named name, for what it needs if it is an
 * x86-64 shared object; returns 0, or -1 when it is not one (reported
 * only when it is one but malformed).  The names point into bytes; free
 * with program_elf_close. */
int program_elf_read_needs(struct program_elf *elf, const char *name, const uint8_t *bytes,
                           size_t size);

/* Whether bytes are an ELF file that kiln build did not make. */
bool program_elf_is_foreign(const uint8_t *bytes, size_t size);

void program_elf_close(struct program_elf *elf);

#endif
