/*
 * Names for guest code addresses, from the image's own symbol table
 * (.symtab, through libelf).  Read only when a crash is reported, so a run
 * that does not crash pays nothing for it.
 */
#ifndef KILN_SYMBOLS_H
#define KILN_SYMBOLS_H

#include <gelf.h>
#include <stdbool.h>
#include <stdint.h>

#include "image.h"

#define SYMBOL_NAME_MAX 64

struct symbols {
    Elf *elf;
    Elf_Data *table; /* NULL: the image has no symbol table */
    size_t names;    /* section index of the table's strings */
    size_t count;
};

struct symbol {
    char name[SYMBOL_NAME_MAX]; /* cut short if longer */
    uint64_t offset;            /* of the address into the symbol */
};

/* Opens the image's symbol table; an image without one (stripped, or
 * malformed past libelf's reading) simply names nothing. */
void symbols_open(struct symbols *symbols, const struct image *image);
void symbols_close(struct symbols *symbols);

/* The function or code label holding addr: a sized symbol that covers it,
 * else the nearest unsized label at or below it in the same section. */
bool symbols_find(const struct symbols *symbols, uint64_t addr, struct symbol *found);

#endif
