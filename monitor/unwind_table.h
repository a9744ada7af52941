/*
 * Which code of an image has unwind tables: the ranges of the FDEs in its
 * .eh_frame, the code gdb can unwind through.  gcc gives a program's own
 * functions one; musl's libc.a and the runtime have none.  Read only when
 * a core is written, through libelf, from the mapped image.
 */
#ifndef KILN_UNWIND_TABLE_H
#define KILN_UNWIND_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct unwind_range {
    uint64_t start; /* the function's first byte */
    uint64_t end;
};

struct unwind_table {
    struct unwind_range *ranges; /* sorted by start */
    size_t count;
};

/* Reads the FDEs of the ELF file in bytes.  An image without .eh_frame,
 * or with one libelf or this reader cannot make sense of, gives an empty
 * table (or the ranges read up to there).  Returns 0, or -ENOMEM. */
int unwind_table_read(struct unwind_table *table, const uint8_t *bytes, size_t size);

/* unwind_table_read() of the .eh_frame section's bytes, loaded at
 * address. */
int unwind_table_parse(struct unwind_table *table, const uint8_t *eh_frame, size_t size,
                       uint64_t address);

void unwind_table_free(struct unwind_table *table);

/* Whether an FDE covers addr; *start is then its function's first byte. */
bool unwind_table_find(const struct unwind_table *table, uint64_t addr, uint64_t *start);

#endif
