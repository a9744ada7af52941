#include "symbols.h"

#include <limits.h>
#include <stdio.h>

void symbols_open(struct symbols *symbols, const struct image *image)
{
    *symbols = (struct symbols){0};
    elf_version(EV_CURRENT);
    symbols->elf = elf_memory((char *)image->bytes, image->size);
    Elf_Scn *section = NULL;
    while (symbols->elf && (section = elf_nextscn(symbols->elf, section)) != NULL) {
        GElf_Shdr header;
        if (gelf_getshdr(section, &header) == NULL || header.sh_type != SHT_SYMTAB)
            continue;
        symbols->table = elf_getdata(section, NULL);
        symbols->names = header.sh_link;
        if (symbols->table)
            symbols->count = symbols->table->d_size / sizeof(Elf64_Sym);
        if (symbols->count > INT_MAX)
            symbols->count = INT_MAX;
        return;
    }
}

void symbols_close(struct symbols *symbols)
{
    if (symbols->elf)
        elf_end(symbols->elf);
    *symbols = (struct symbols){0};
}

static bool is_code(const GElf_Sym *sym)
{
    int type = GELF_ST_TYPE(sym->st_info);
    return (type == STT_FUNC || type == STT_NOTYPE) && sym->st_shndx != SHN_UNDEF &&
           sym->st_shndx < SHN_LORESERVE;
}

static bool covers(const GElf_Sym *sym, uint64_t addr)
{
    return sym->st_size != 0 && addr >= sym->st_value && addr - sym->st_value < sym->st_size;
}

/* An unsized label (an assembler entry point) closer below addr than best. */
static bool closer_label(const GElf_Sym *sym, const GElf_Sym *best, uint64_t addr)
{
    return sym->st_size == 0 && sym->st_value <= addr &&
           (best == NULL || sym->st_value > best->st_value);
}

static bool section_holds(Elf *elf, size_t index, uint64_t addr)
{
    GElf_Shdr header;
    Elf_Scn *section = elf_getscn(elf, index);
    return section && gelf_getshdr(section, &header) && addr >= header.sh_addr &&
           addr - header.sh_addr < header.sh_size;
}

static bool name_symbol(const struct symbols *symbols, const GElf_Sym *sym, uint64_t addr,
                        struct symbol *found)
{
    const char *name = elf_strptr(symbols->elf, symbols->names, sym->st_name);
    if (name == NULL || *name == '\0')
        return false;
    snprintf(found->name, sizeof found->name, "%s", name);
    found->offset = addr - sym->st_value;
    return true;
}

bool symbols_find(const struct symbols *symbols, uint64_t addr, struct symbol *found)
{
    GElf_Sym sym, label;
    const GElf_Sym *best = NULL;
    for (size_t i = 0; symbols->table && i < symbols->count; i++) {
        if (gelf_getsym(symbols->table, (int)i, &sym) == NULL || !is_code(&sym))
            continue;
        if (covers(&sym, addr))
            return name_symbol(symbols, &sym, addr, found);
        if (closer_label(&sym, best, addr)) {
            label = sym;
            best = &label;
        }
    }
    if (best == NULL || !section_holds(symbols->elf, best->st_shndx, addr))
        return false;
    return name_symbol(symbols, best, addr, found);
}
