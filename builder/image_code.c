#include "image_code.h"

#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "common/mapped_file.h"
#include "common/report.h"

#define TRAMPOLINE_SECTION ".kiln_trampolines"
#define TRAMPOLINE_TARGET  "kiln_syscall_fast"
#define RUNTIME_PREFIX     "kiln_"

static int map_image(struct image_code *code, const char *path)
{
    uint64_t size;
    code->fd = open(path, O_RDWR | O_CLOEXEC);
    if (code->fd < 0)
        return report_errno(path, "cannot open the linked image");
    int rc = regular_file_size(code->fd, &size);
    if (rc != 0 || size == 0)
        return report("%s: cannot read the linked image: %s", path,
                      rc != 0 ? strerror(-rc) : "empty");
    void *bytes = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, code->fd, 0);
    if (bytes == MAP_FAILED)
        return report_errno(path, "cannot map the linked image");
    code->bytes = bytes;
    code->size = size;
    elf_version(EV_CURRENT);
    code->elf = elf_memory((char *)bytes, size);
    if (code->elf == NULL || elf_kind(code->elf) != ELF_K_ELF)
        return report("%s: the linked image is not an ELF file", path);
    return 0;
}

/* Where a section's bytes lie in the file; NULL for one that has none. */
static uint8_t *section_bytes(const struct image_code *code, const GElf_Shdr *header)
{
    if (header->sh_type != SHT_PROGBITS || header->sh_offset > code->size ||
        header->sh_size > code->size - header->sh_offset)
        return NULL;
    return code->bytes + header->sh_offset;
}

static Elf_Scn *find_section(Elf *elf, const char *wanted, GElf_Shdr *header)
{
    size_t names;
    Elf_Scn *section = NULL;
    if (elf_getshdrstrndx(elf, &names) != 0)
        return NULL;
    while ((section = elf_nextscn(elf, section)) != NULL) {
        const char *name = NULL;
        if (gelf_getshdr(section, header) != NULL)
            name = elf_strptr(elf, names, header->sh_name);
        if (name != NULL && strcmp(name, wanted) == 0)
            return section;
    }
    return NULL;
}

/* The trampolines' section is code by its segment's flags alone
 * (runtime/kiln.ld). */
static bool in_code_segment(Elf *elf, const GElf_Shdr *header)
{
    size_t count;
    GElf_Phdr segment;
    if (elf_getphdrnum(elf, &count) != 0)
        return false;
    for (size_t i = 0; i < count && i <= INT32_MAX; i++)
        if (gelf_getphdr(elf, (int)i, &segment) != NULL && segment.p_type == PT_LOAD &&
            (segment.p_flags & PF_X) && header->sh_addr >= segment.p_vaddr &&
            header->sh_addr - segment.p_vaddr <= segment.p_filesz &&
            header->sh_size <= segment.p_filesz - (header->sh_addr - segment.p_vaddr))
            return true;
    return false;
}

static int find_trampolines(struct image_code *code, const char *path)
{
    GElf_Shdr header;
    if (find_section(code->elf, TRAMPOLINE_SECTION, &header) == NULL)
        return report("%s: the linked image has no %s section: kiln.ld is older than kiln", path,
                      TRAMPOLINE_SECTION);
    code->trampolines.bytes = section_bytes(code, &header);
    if (code->trampolines.bytes == NULL || !in_code_segment(code->elf, &header))
        return report("%s: %s is not code in the file", path, TRAMPOLINE_SECTION);
    code->trampolines.addr = header.sh_addr;
    code->trampolines.size = header.sh_size;
    return 0;
}

struct symbol_table {
    Elf_Data *data;
    size_t count;
    size_t names; /* section index of the names */
};

/* Where a function without a size (one of musl's in assembly) ends: at
 * the next symbol in its section, else at the section's end. */
static uint64_t unsized_end(const struct symbol_table *table, const GElf_Sym *function,
                            uint64_t section_end)
{
    GElf_Sym sym;
    uint64_t end = section_end;
    for (size_t i = 0; i < table->count; i++)
        if (gelf_getsym(table->data, (int)i, &sym) != NULL && sym.st_shndx == function->st_shndx &&
            sym.st_value > function->st_value && sym.st_value < end)
            end = sym.st_value;
    return end;
}

/* Where a section's code lies: false for a section that holds none. */
static bool code_section(const struct image_code *code, Elf64_Section index, GElf_Shdr *header)
{
    Elf_Scn *section = elf_getscn(code->elf, index);
    return section != NULL && gelf_getshdr(section, header) != NULL &&
           (header->sh_flags & SHF_EXECINSTR) && section_bytes(code, header) != NULL;
}

/* A function's bytes, wholly inside an executable section; false for
 * anything else. */
static bool function_code(const struct image_code *code, const struct symbol_table *table,
                          const GElf_Sym *sym, struct code_function *function)
{
    GElf_Shdr header;
    if (GELF_ST_TYPE(sym->st_info) != STT_FUNC || !code_section(code, sym->st_shndx, &header))
        return false;
    uint8_t *bytes = section_bytes(code, &header);
    uint64_t offset = sym->st_value - header.sh_addr;
    if (sym->st_value < header.sh_addr || offset > header.sh_size)
        return false;
    uint64_t size = sym->st_size;
    if (size == 0)
        size = unsized_end(table, sym, header.sh_addr + header.sh_size) - sym->st_value;
    if (size > header.sh_size - offset)
        return false;
    *function = (struct code_function){sym->st_value, bytes + offset, size};
    return true;
}

static void add_symbol(struct image_code *code, const struct symbol_table *table,
                       const GElf_Sym *sym, const char *name)
{
    struct program_code *program = &code->program;
    GElf_Shdr header;
    if (strcmp(name, TRAMPOLINE_TARGET) == 0 && sym->st_shndx != SHN_UNDEF)
        code->trampolines.target = sym->st_value;
    if (GELF_ST_TYPE(sym->st_info) != STT_SECTION && GELF_ST_TYPE(sym->st_info) != STT_FILE &&
        code_section(code, sym->st_shndx, &header))
        program->labels[program->label_count++] = sym->st_value;
    if (strncmp(name, RUNTIME_PREFIX, strlen(RUNTIME_PREFIX)) != 0 &&
        function_code(code, table, sym, &program->functions[program->function_count]))
        program->function_count++;
}

static int by_address(const void *a, const void *b)
{
    const struct code_function *x = a, *y = b;
    if (x->addr != y->addr)
        return x->addr < y->addr ? -1 : 1;
    return x->size > y->size ? -1 : x->size < y->size;
}

static int ascending(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static int list_functions(struct image_code *code, const char *path)
{
    GElf_Shdr header;
    GElf_Sym sym;
    struct symbol_table table = {0};
    Elf_Scn *section = find_section(code->elf, ".symtab", &header);
    if (section != NULL && header.sh_type == SHT_SYMTAB)
        table.data = elf_getdata(section, NULL);
    if (table.data == NULL)
        return report("%s: the linked image has no symbol table", path);
    table.count = table.data->d_size / sizeof(Elf64_Sym);
    table.names = header.sh_link;
    if (table.count > INT32_MAX)
        return report("%s: the linked image has too many symbols", path);
    struct program_code *program = &code->program;
    program->functions = calloc(table.count + 1, sizeof *program->functions);
    program->labels = calloc(table.count + 1, sizeof *program->labels);
    if (program->functions == NULL || program->labels == NULL)
        return report_errno(path, "cannot list the linked image's functions");
    for (size_t i = 0; i < table.count; i++) {
        const char *name = NULL;
        if (gelf_getsym(table.data, (int)i, &sym) != NULL)
            name = elf_strptr(code->elf, table.names, sym.st_name);
        if (name != NULL)
            add_symbol(code, &table, &sym, name);
    }
    if (code->trampolines.target == 0)
        return report("%s: the linked image has no %s: libkiln.a is older than kiln", path,
                      TRAMPOLINE_TARGET);
    qsort(program->functions, program->function_count, sizeof *program->functions, by_address);
    qsort(program->labels, program->label_count, sizeof *program->labels, ascending);
    return 0;
}

int image_code_open(struct image_code *code, const char *path)
{
    *code = (struct image_code){.fd = -1};
    if (map_image(code, path) != 0 || find_trampolines(code, path) != 0 ||
        list_functions(code, path) != 0) {
        image_code_close(code);
        return -1;
    }
    return 0;
}

void image_code_close(struct image_code *code)
{
    if (code->elf != NULL)
        elf_end(code->elf);
    if (code->bytes != NULL)
        munmap(code->bytes, code->size);
    if (code->fd >= 0)
        close(code->fd);
    free(code->program.functions);
    free(code->program.labels);
    *code = (struct image_code){.fd = -1};
}
