#include "program_elf.h"

#include <gelf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kiln/abi.h>

#include "common/report.h"

#define PAGE_MASK ((uint64_t)KILN_PAGE_SIZE - 1)

static int refuse(const char *path, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int refuse(const char *path, const char *fmt, ...)
{
    char why[REPORT_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    return report("%s: %s", path, why);
}

static const char *machine_name(unsigned machine)
{
    switch (machine) {
    case EM_386:
        return "i386";
    case EM_ARM:
        return "32-bit Arm";
    case EM_AARCH64:
        return "arm64";
    case EM_RISCV:
        return "RISC-V";
    case EM_PPC64:
        return "ppc64";
    case EM_S390:
        return "s390x";
    case EM_MIPS:
        return "MIPS";
    default:
        return NULL;
    }
}

static bool has_section(Elf *elf, const char *wanted)
{
    size_t names;
    Elf_Scn *scn = NULL;
    if (elf_getshdrstrndx(elf, &names) != 0)
        return false;
    while ((scn = elf_nextscn(elf, scn)) != NULL) {
        GElf_Shdr shdr;
        const char *name = gelf_getshdr(scn, &shdr) ? elf_strptr(elf, names, shdr.sh_name) : NULL;
        if (name != NULL && strcmp(name, wanted) == 0)
            return true;
    }
    return false;
}

/* Says what a file that is no x86-64 program or library is. */
static int check_kind(const char *path, Elf *elf, const GElf_Ehdr *ehdr)
{
    const char *machine = machine_name(ehdr->e_machine);
    if (ehdr->e_ident[EI_CLASS] != ELFCLASS64)
        return refuse(path, "a 32-bit ELF %s; kiln runs 64-bit x86-64 programs",
                      machine != NULL ? machine : "file");
    if (ehdr->e_ident[EI_DATA] != ELFDATA2LSB)
        return refuse(path, "a big-endian ELF file, not an x86-64 program");
    if (ehdr->e_type == ET_CORE)
        return refuse(path, "a core dump, not a program");
    if (ehdr->e_type == ET_REL)
        return has_section(elf, ".modinfo")
                   ? refuse(path, "a Linux kernel module, not a program")
                   : refuse(path, "an object file, not a program (link it first)");
    if (ehdr->e_machine != EM_X86_64)
        return machine != NULL
                   ? refuse(path, "a program for %s, not x86-64", machine)
                   : refuse(path, "a program for ELF machine %u, not x86-64", ehdr->e_machine);
    if (ehdr->e_type != ET_EXEC && ehdr->e_type != ET_DYN)
        return refuse(path, "not an executable or shared object (ELF type %u)", ehdr->e_type);
    if (ehdr->e_phentsize != sizeof(Elf64_Phdr))
        return refuse(path, "program header size %u, expected %zu", ehdr->e_phentsize,
                      sizeof(Elf64_Phdr));
    return 0;
}

static int add_load(struct program_elf *elf, const GElf_Phdr *ph)
{
    if (elf->load_count == PROGRAM_MAX_LOADS)
        return refuse(elf->path, "more than %d loadable segments", PROGRAM_MAX_LOADS);
    if (ph->p_filesz > ph->p_memsz || ph->p_offset > elf->file.size ||
        ph->p_filesz > elf->file.size - ph->p_offset || ph->p_memsz > KILN_MEM_MAX ||
        ph->p_vaddr > KILN_MEM_MAX || (ph->p_vaddr & PAGE_MASK) != (ph->p_offset & PAGE_MASK))
        return refuse(elf->path, "a malformed or truncated loadable segment at 0x%lx",
                      (unsigned long)ph->p_vaddr);
    elf->loads[elf->load_count++] = (struct program_load){
        .vaddr = ph->p_vaddr,
        .offset = ph->p_offset,
        .file_size = ph->p_filesz,
        .mem_size = ph->p_memsz,
        .flags = ph->p_flags,
    };
    uint64_t low = ph->p_vaddr & ~PAGE_MASK,
             high = (ph->p_vaddr + ph->p_memsz + PAGE_MASK) & ~PAGE_MASK;
    if (elf->load_count == 1 || low < elf->low)
        elf->low = low;
    if (high > elf->high)
        elf->high = high;
    if (ph->p_align > elf->align)
        elf->align = ph->p_align;
    return 0;
}

/* The file offset of a loaded address that the file holds, or 0. */
static uint64_t offset_of(const struct program_elf *elf, uint64_t vaddr)
{
    for (unsigned i = 0; i < elf->load_count; i++) {
        const struct program_load *load = &elf->loads[i];
        if (vaddr >= load->vaddr && vaddr - load->vaddr < load->file_size)
            return load->offset + (vaddr - load->vaddr);
    }
    return 0;
}

/* A NUL-terminated string at offset within the file, or NULL. */
static const char *string_at(const struct program_elf *elf, uint64_t offset)
{
    if (offset == 0 || offset >= elf->file.size)
        return NULL;
    const char *text = (const char *)elf->file.bytes + offset;
    return memchr(text, '\0', elf->file.size - offset) != NULL ? text : NULL;
}

/* DT_NEEDED, DT_RPATH, DT_RUNPATH and DF_1_PIE from PT_DYNAMIC; names
 * are offsets into DT_STRTAB, which the loads must hold. */
static int read_dynamic(struct program_elf *elf, Elf *file, const GElf_Phdr *ph, bool *pie)
{
    Elf_Data *data = elf_getdata_rawchunk(file, ph->p_offset, ph->p_filesz, ELF_T_DYN);
    size_t count = data != NULL ? data->d_size / sizeof(Elf64_Dyn) : 0;
    uint64_t strtab = 0, rpath = 0, runpath = 0;
    elf->needed = calloc(count + 1, sizeof *elf->needed);
    if (elf->needed == NULL)
        return refuse(elf->path, "out of memory");
    const Elf64_Dyn *dyn = data != NULL ? data->d_buf : NULL;
    for (size_t i = 0; i < count && dyn[i].d_tag != DT_NULL; i++) {
        if (dyn[i].d_tag == DT_STRTAB)
            strtab = offset_of(elf, dyn[i].d_un.d_ptr);
        else if (dyn[i].d_tag == DT_RPATH)
            rpath = dyn[i].d_un.d_val + 1;
        else if (dyn[i].d_tag == DT_RUNPATH)
            runpath = dyn[i].d_un.d_val + 1;
        else if (dyn[i].d_tag == DT_FLAGS_1 && (dyn[i].d_un.d_val & DF_1_PIE))
            *pie = true;
    }
    for (size_t i = 0; i < count && dyn[i].d_tag != DT_NULL; i++) {
        if (dyn[i].d_tag != DT_NEEDED)
            continue;
        const char *name = strtab != 0 ? string_at(elf, strtab + dyn[i].d_un.d_val) : NULL;
        if (name == NULL || *name == '\0')
            return refuse(elf->path, "a needed library's name lies outside the file");
        elf->needed[elf->needed_count++] = name;
    }
    elf->rpath = rpath != 0 && strtab != 0 ? string_at(elf, strtab + rpath - 1) : NULL;
    elf->runpath = runpath != 0 && strtab != 0 ? string_at(elf, strtab + runpath - 1) : NULL;
    return 0;
}

static int read_headers(struct program_elf *elf, Elf *file, const GElf_Ehdr *ehdr, bool *pie)
{
    size_t count;
    GElf_Phdr dynamic = {0};
    bool has_phdr = false;
    if (elf_getphdrnum(file, &count) != 0 || count == 0 || count > UINT16_MAX)
        return refuse(elf->path, "no program headers: not a program");
    elf->phdr_count = (uint16_t)count;
    for (size_t i = 0; i < count; i++) {
        GElf_Phdr ph;
        if (gelf_getphdr(file, (int)i, &ph) == NULL)
            return refuse(elf->path, "program header %zu unreadable: %s", i, elf_errmsg(-1));
        if (ph.p_type == PT_LOAD && add_load(elf, &ph) != 0)
            return -1;
        if (ph.p_type == PT_DYNAMIC)
            dynamic = ph;
        if (ph.p_type == PT_PHDR) {
            elf->phdr_vaddr = ph.p_vaddr;
            has_phdr = true;
        }
        if (ph.p_type == PT_INTERP) {
            elf->interp = ph.p_filesz > 1 ? string_at(elf, ph.p_offset) : NULL;
            if (elf->interp == NULL || strlen(elf->interp) >= ph.p_filesz)
                return refuse(elf->path, "a malformed interpreter path");
        }
    }
    if (elf->load_count == 0)
        return refuse(elf->path, "no loadable segments: not a program");
    if (!has_phdr) {
        uint64_t at = ehdr->e_phoff;
        for (unsigned i = 0; i < elf->load_count && !has_phdr; i++) {
            const struct program_load *load = &elf->loads[i];
            has_phdr = at >= load->offset && at - load->offset < load->file_size;
            elf->phdr_vaddr = load->vaddr + (at - load->offset);
        }
    }
    if (!has_phdr)
        return refuse(elf->path, "its program headers are not in a loadable segment");
    return dynamic.p_type == PT_DYNAMIC ? read_dynamic(elf, file, &dynamic, pie) : 0;
}

static bool is_kiln_image(Elf *file)
{
    return has_section(file, ".note.kiln");
}

bool program_elf_is_foreign(const uint8_t *bytes, size_t size)
{
    if (size < EI_NIDENT || memcmp(bytes, ELFMAG, SELFMAG) != 0)
        return false;
    elf_version(EV_CURRENT);
    Elf *file = elf_memory((char *)bytes, size);
    bool foreign = file == NULL || !is_kiln_image(file);
    elf_end(file);
    return foreign;
}

static int read_elf(struct program_elf *elf, enum program_role role)
{
    GElf_Ehdr ehdr;
    bool pie = false;
    elf_version(EV_CURRENT);
    if (elf->file.size < EI_NIDENT || memcmp(elf->file.bytes, ELFMAG, SELFMAG) != 0)
        return refuse(elf->path, "not an ELF program");
    Elf *file = elf_memory((char *)elf->file.bytes, elf->file.size);
    int rc = file != NULL && gelf_getehdr(file, &ehdr) != NULL
                 ? check_kind(elf->path, file, &ehdr)
                 : refuse(elf->path, "an unreadable ELF file: %s", elf_errmsg(-1));
    if (rc == 0 && role == PROGRAM_MAIN && is_kiln_image(file))
        rc = refuse(elf->path, "already a kiln image: kiln run boots it as it is");
    if (rc == 0)
        rc = read_headers(elf, file, &ehdr, &pie);
    elf_end(file);
    if (rc != 0)
        return -1;
    elf->position_independent = ehdr.e_type == ET_DYN;
    elf->entry = ehdr.e_entry;
    if (role == PROGRAM_MAIN && ehdr.e_type == ET_DYN && elf->interp == NULL && !pie)
        return refuse(elf->path, "a shared library, not a program");
    if (role != PROGRAM_LIBRARY && ehdr.e_entry == 0)
        return refuse(elf->path, "no entry point: not a program");
    if (role == PROGRAM_INTERP && (elf->interp != NULL || !elf->position_independent))
        return refuse(elf->path, "not a dynamic loader that kiln can place");
    return 0;
}

int program_elf_open(struct program_elf *elf, const char *path, enum program_role role)
{
    *elf = (struct program_elf){.path = path};
    int rc = mapped_file_open(&elf->file, path);
    if (rc != 0)
        return refuse(path, "cannot read: %s", strerror(-rc));
    if (read_elf(elf, role) != 0) {
        program_elf_close(elf);
        return -1;
    }
    return 0;
}

int program_elf_read_needs(struct program_elf *elf, const char *name, const uint8_t *bytes,
                           size_t size)
{
    GElf_Ehdr ehdr;
    bool pie = false;
    *elf = (struct program_elf){.path = name};
    elf->file.bytes = (uint8_t *)bytes;
    elf->file.size = size;
    if (size < EI_NIDENT || memcmp(bytes, ELFMAG, SELFMAG) != 0)
        return -1;
    elf_version(EV_CURRENT);
    Elf *file = elf_memory((char *)bytes, size);
    bool shared = file != NULL && gelf_getehdr(file, &ehdr) != NULL &&
                  ehdr.e_ident[EI_CLASS] == ELFCLASS64 && ehdr.e_machine == EM_X86_64 &&
                  ehdr.e_type == ET_DYN && ehdr.e_phentsize == sizeof(Elf64_Phdr);
    int rc = shared ? read_headers(elf, file, &ehdr, &pie) : -1;
    elf_end(file);
    elf->file = (struct mapped_file){0};
    if (rc != 0) {
        free(elf->needed);
        elf->needed = NULL;
    }
    return rc;
}

void program_elf_close(struct program_elf *elf)
{
    free(elf->needed);
    mapped_file_close(&elf->file);
    *elf = (struct program_elf){0};
}
