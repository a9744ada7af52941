#include "unwind_table.h"

#include <errno.h>
#include <gelf.h>
#include <stdlib.h>
#include <string.h>

/* DWARF's pointer encodings (DW_EH_PE_*), those gcc and ld write. */
#define PE_FORMAT 0x0f
#define PE_APPLY  0x70
#define PE_ABSPTR 0x00
#define PE_UDATA2 0x02
#define PE_UDATA4 0x03
#define PE_UDATA8 0x04
#define PE_SDATA2 0x0a
#define PE_SDATA4 0x0b
#define PE_SDATA8 0x0c
#define PE_PCREL  0x10

#define CIE_ID          0
#define EXTENDED_LENGTH 0xffffffffu /* 64-bit DWARF, which .eh_frame never uses */
#define ULEB_MORE       0x80

/* A reader of .eh_frame that fails closed: past the end it reads zeros
 * and marks itself bad. */
struct cursor {
    const uint8_t *bytes;
    size_t size;
    size_t at;
    uint64_t address; /* the section's, for pc-relative pointers */
    bool bad;
};

static uint64_t take(struct cursor *c, size_t n)
{
    uint64_t value = 0;
    if (c->bad || c->at > c->size || n > c->size - c->at) {
        c->bad = true;
        return 0;
    }
    for (size_t i = 0; i < n; i++)
        value |= (uint64_t)c->bytes[c->at + i] << (8 * i);
    c->at += n;
    return value;
}

/* A LEB128 number, signed or not, stepped over. */
static void skip_leb(struct cursor *c)
{
    while (!c->bad && (take(c, 1) & ULEB_MORE))
        continue;
}

static const char *take_string(struct cursor *c)
{
    const uint8_t *nul =
        c->bad || c->at >= c->size ? NULL : memchr(c->bytes + c->at, 0, c->size - c->at);
    if (nul == NULL) {
        c->bad = true;
        return "";
    }
    const char *string = (const char *)c->bytes + c->at;
    c->at = (size_t)(nul - c->bytes) + 1;
    return string;
}

/* A pointer in encoding; with apply, made absolute.  False for an
 * encoding this reader does not know. */
static bool take_pointer(struct cursor *c, uint8_t encoding, bool apply, uint64_t *value)
{
    uint64_t field = c->address + c->at;
    switch (encoding & PE_FORMAT) {
    case PE_ABSPTR:
    case PE_UDATA8:
    case PE_SDATA8:
        *value = take(c, 8);
        break;
    case PE_UDATA4:
        *value = take(c, 4);
        break;
    case PE_SDATA4:
        *value = (uint64_t)(int64_t)(int32_t)take(c, 4);
        break;
    case PE_UDATA2:
        *value = take(c, 2);
        break;
    case PE_SDATA2:
        *value = (uint64_t)(int64_t)(int16_t)take(c, 2);
        break;
    default:
        return false;
    }
    if (apply && (encoding & PE_APPLY) == PE_PCREL)
        *value += field;
    else if (apply && (encoding & PE_APPLY) != 0)
        return false;
    return !c->bad;
}

/* The augmentation data after "z": only the FDE pointers' encoding ('R')
 * matters here. */
static bool read_augmentation(struct cursor *c, const char *augmentation, uint8_t *encoding)
{
    skip_leb(c); /* the data's length */
    for (const char *letter = augmentation + 1; *letter != '\0' && !c->bad; letter++) {
        uint64_t ignored;
        switch (*letter) {
        case 'R':
            *encoding = (uint8_t)take(c, 1);
            break;
        case 'L':
            take(c, 1);
            break;
        case 'P':
            if (!take_pointer(c, (uint8_t)take(c, 1), false, &ignored))
                return false;
            break;
        case 'S':
        case 'B':
            break;
        default:
            return false;
        }
    }
    return !c->bad;
}

/* The encoding of the FDE pointers that the CIE at offset gives. */
static bool cie_encoding(const struct cursor *section, size_t offset, uint8_t *encoding)
{
    struct cursor c = *section;
    c.at = offset;
    uint64_t length = take(&c, 4);
    if (length == 0 || length == EXTENDED_LENGTH || take(&c, 4) != CIE_ID)
        return false;
    uint8_t version = (uint8_t)take(&c, 1);
    const char *augmentation = take_string(&c);
    skip_leb(&c); /* code alignment */
    skip_leb(&c); /* data alignment */
    if (version == 1)
        take(&c, 1); /* the return address's register */
    else
        skip_leb(&c);
    *encoding = PE_ABSPTR;
    if (augmentation[0] == 'z')
        return read_augmentation(&c, augmentation, encoding);
    return !c.bad && augmentation[0] == '\0';
}

static int add(struct unwind_table *table, size_t *capacity, uint64_t start, uint64_t end)
{
    if (table->count == *capacity) {
        size_t more = *capacity ? 2 * *capacity : 64;
        struct unwind_range *ranges = realloc(table->ranges, more * sizeof *ranges);
        if (ranges == NULL)
            return -ENOMEM;
        table->ranges = ranges;
        *capacity = more;
    }
    table->ranges[table->count++] = (struct unwind_range){start, end};
    return 0;
}

/* One record: a CIE (skipped) or an FDE (its range kept). */
static int read_record(struct unwind_table *table, size_t *capacity, struct cursor *c, size_t id_at)
{
    uint64_t id = take(c, 4);
    uint8_t encoding;
    uint64_t start, range;
    if (c->bad || id == CIE_ID || id > id_at || !cie_encoding(c, id_at - id, &encoding))
        return 0;
    if (!take_pointer(c, encoding, true, &start) ||
        !take_pointer(c, encoding & PE_FORMAT, false, &range) || range == 0 ||
        start + range < start)
        return 0;
    return add(table, capacity, start, start + range);
}

static int read_records(struct unwind_table *table, struct cursor *c)
{
    size_t capacity = 0;
    while (c->at < c->size && !c->bad) {
        uint64_t length = take(c, 4);
        size_t body = c->at;
        if (c->bad || length == 0 || length == EXTENDED_LENGTH || length > c->size - body)
            break;
        if (read_record(table, &capacity, c, body) != 0)
            return -ENOMEM;
        c->bad = false;
        c->at = body + length;
    }
    return 0;
}

static int by_start(const void *a, const void *b)
{
    const struct unwind_range *x = a, *y = b;
    return x->start < y->start ? -1 : x->start > y->start;
}

static Elf_Scn *find_eh_frame(Elf *elf, GElf_Shdr *header)
{
    size_t names;
    Elf_Scn *section = NULL;
    if (elf_getshdrstrndx(elf, &names) != 0)
        return NULL;
    while ((section = elf_nextscn(elf, section)) != NULL) {
        const char *name;
        if (gelf_getshdr(section, header) != NULL && header->sh_type == SHT_PROGBITS &&
            (name = elf_strptr(elf, names, header->sh_name)) != NULL &&
            strcmp(name, ".eh_frame") == 0)
            return section;
    }
    return NULL;
}

int unwind_table_parse(struct unwind_table *table, const uint8_t *eh_frame, size_t size,
                       uint64_t address)
{
    *table = (struct unwind_table){0};
    struct cursor c = {.bytes = eh_frame, .size = size, .address = address};
    if (read_records(table, &c) != 0) {
        unwind_table_free(table);
        return -ENOMEM;
    }
    if (table->count > 1)
        qsort(table->ranges, table->count, sizeof *table->ranges, by_start);
    return 0;
}

int unwind_table_read(struct unwind_table *table, const uint8_t *bytes, size_t size)
{
    *table = (struct unwind_table){0};
    elf_version(EV_CURRENT);
    Elf *elf = elf_memory((char *)bytes, size);
    GElf_Shdr header;
    Elf_Scn *section = elf != NULL ? find_eh_frame(elf, &header) : NULL;
    Elf_Data *data = section != NULL ? elf_getdata(section, NULL) : NULL;
    int rc = 0;
    if (data != NULL && data->d_buf != NULL)
        rc = unwind_table_parse(table, data->d_buf, data->d_size, header.sh_addr);
    if (elf != NULL)
        elf_end(elf);
    return rc;
}

void unwind_table_free(struct unwind_table *table)
{
    free(table->ranges);
    *table = (struct unwind_table){0};
}

bool unwind_table_find(const struct unwind_table *table, uint64_t addr, uint64_t *start)
{
    size_t low = 0, high = table->count; /* the first range starting past addr */
    while (low < high) {
        size_t middle = low + (high - low) / 2;
        if (table->ranges[middle].start <= addr)
            low = middle + 1;
        else
            high = middle;
    }
    if (low == 0 || addr >= table->ranges[low - 1].end)
        return false;
    *start = table->ranges[low - 1].start;
    return true;
}
