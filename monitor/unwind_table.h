/*
 * Which code of an image has unwind tables: the functions its .eh_frame
 * describes, the code gdb can unwind through.  gcc gives a program's own
 * functions an FDE; musl's libc.a and the runtime have none.  Read through
 * elfutils' libdw (its call frame information), only when a core is
 * written, from the mapped image.
 */
#ifndef KILN_UNWIND_TABLE_H
#define KILN_UNWIND_TABLE_H

#include <elfutils/libdw.h>
#include <libelf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct unwind_table {
    Elf *elf;
    Dwarf_CFI *cfi; /* NULL: the image has no unwind tables */
};

/* Reads the ELF file in bytes, which must outlive the table.  An image
 * without .eh_frame, or one libdw cannot read, gives an empty table.
 * Returns 0, or -1 when libelf cannot read bytes at all. */
int unwind_table_read(struct unwind_table *table, const uint8_t *bytes, size_t size);

void unwind_table_free(struct unwind_table *table);

/* Whether an FDE covers addr. */
bool unwind_table_covers(const struct unwind_table *table, uint64_t addr);

#endif
