#include "unwind_table.h"

#include <stdlib.h>

int unwind_table_read(struct unwind_table *table, const uint8_t *bytes, size_t size)
{
    *table = (struct unwind_table){0};
    elf_version(EV_CURRENT);
    /* libelf's type is not const, but a file opened from memory for
     * reading is only read. */
    table->elf = elf_memory((char *)bytes, size);
    if (table->elf == NULL)
        return -1;
    table->cfi = dwarf_getcfi_elf(table->elf);
    return 0;
}

void unwind_table_free(struct unwind_table *table)
{
    if (table->cfi != NULL)
        dwarf_cfi_end(table->cfi);
    if (table->elf != NULL)
        elf_end(table->elf);
    *table = (struct unwind_table){0};
}

bool unwind_table_covers(const struct unwind_table *table, uint64_t addr)
{
    Dwarf_Frame *frame;
    if (table->cfi == NULL || dwarf_cfi_addrframe(table->cfi, addr, &frame) != 0)
        return false;
    free(frame);
    return true;
}
