#include "image.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/report.h"

/* Anything an image places must leave room for the stack at the top of
 * the largest RAM; the exact RAM size is checked again at load. */
#define IMAGE_LIMIT (KILN_MEM_MAX - KILN_STACK_SIZE - KILN_PAGE_SIZE)

/* Reports why the image cannot be run, after its name. */
static int reject(const struct image *image, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int reject(const struct image *image, const char *fmt, ...)
{
    char why[REPORT_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    return report("%s: %s", image->name, why);
}

static int check_header(struct image *image, Elf *elf)
{
    GElf_Ehdr ehdr;
    if (elf_kind(elf) != ELF_K_ELF || gelf_getehdr(elf, &ehdr) == NULL)
        return reject(image, "not an ELF file");
    if (ehdr.e_ident[EI_CLASS] != ELFCLASS64)
        return reject(image, "not a 64-bit ELF file (class %u)", ehdr.e_ident[EI_CLASS]);
    if (ehdr.e_ident[EI_DATA] != ELFDATA2LSB)
        return reject(image, "not a little-endian ELF file");
    if (ehdr.e_machine != EM_X86_64)
        return reject(image, "built for ELF machine %u, not x86-64", ehdr.e_machine);
    if (ehdr.e_type == ET_DYN)
        return reject(image, "a position-independent or shared object, not a kiln image");
    if (ehdr.e_type != ET_EXEC)
        return reject(image, "not an executable (ELF type %u)", ehdr.e_type);
    if (ehdr.e_phentsize != sizeof(Elf64_Phdr))
        return reject(image, "program header size %u, expected %zu", ehdr.e_phentsize,
                      sizeof(Elf64_Phdr));
    image->entry = ehdr.e_entry;
    image->phdr_size = ehdr.e_phentsize;
    if (ehdr.e_phoff > image->size)
        return reject(image, "program headers lie past the end of the file");
    image->phdrs = image->bytes + ehdr.e_phoff;
    return 0;
}

/* What a segment must be wherever it came from: inside the image's part of
 * RAM, and clear of the `earlier` segments before it. */
static int check_segment(const struct image *image, size_t index, const struct image_segment *s,
                         unsigned earlier)
{
    if (s->file_size > s->mem_size)
        return reject(image, "segment %zu: file size 0x%lx exceeds memory size 0x%lx", index,
                      s->file_size, s->mem_size);
    if (s->gpa < KILN_IMAGE_BASE)
        return reject(image, "segment %zu: starts at 0x%lx, inside the first MiB kiln reserves",
                      index, s->gpa);
    if (s->mem_size > IMAGE_LIMIT || s->gpa > IMAGE_LIMIT - s->mem_size)
        return reject(image, "segment %zu: 0x%lx bytes at 0x%lx end past guest memory", index,
                      s->mem_size, s->gpa);
    for (unsigned i = 0; i < earlier; i++) {
        const struct image_segment *other = &image->segments[i];
        if (s->gpa < other->gpa + other->mem_size && other->gpa < s->gpa + s->mem_size)
            return reject(image, "segment %zu overlaps an earlier segment", index);
    }
    return 0;
}

static void extend_end(struct image *image, const struct image_segment *s)
{
    if (s->gpa + s->mem_size > image->end)
        image->end = s->gpa + s->mem_size;
}

static int add_segment(struct image *image, size_t index, const GElf_Phdr *ph)
{
    if (image->segment_count == IMAGE_MAX_SEGMENTS)
        return reject(image, "more than %d loadable segments", IMAGE_MAX_SEGMENTS);
    struct image_segment segment = {
        .gpa = ph->p_vaddr,
        .file_offset = ph->p_offset,
        .file_size = ph->p_filesz,
        .mem_size = ph->p_memsz,
        .flags = ph->p_flags,
    };
    if (check_segment(image, index, &segment, image->segment_count) != 0)
        return -1;
    if (ph->p_offset > image->size || ph->p_filesz > image->size - ph->p_offset)
        return reject(image, "segment %zu: file bytes lie past the end of the file (truncated?)",
                      index);
    image->segments[image->segment_count++] = segment;
    extend_end(image, &segment);
    return 0;
}

/* Copies a KILN note's descriptor; a second one of the same type is
 * refused, as is one of the wrong size. */
static int take_note(struct image *image, const GElf_Nhdr *nhdr, const char *desc)
{
    bool program = nhdr->n_type == KILN_NOTE_PROGRAM;
    void *to = program ? (void *)&image->program : (void *)&image->note;
    size_t size = program ? sizeof image->program : sizeof image->note;
    bool *seen = program ? &image->has_program : &image->has_note;
    if (nhdr->n_descsz != size)
        return reject(image, "KILN note of type %u has %u bytes, expected %zu", nhdr->n_type,
                      nhdr->n_descsz, size);
    if (*seen)
        return reject(image, "two KILN notes of type %u", nhdr->n_type);
    memcpy(to, desc, size);
    *seen = true;
    return 0;
}

static int read_notes(struct image *image, Elf *elf, const GElf_Phdr *ph)
{
    if (ph->p_offset > image->size || ph->p_filesz > image->size - ph->p_offset)
        return reject(image, "note segment lies past the end of the file (truncated?)");
    Elf_Data *data = elf_getdata_rawchunk(elf, ph->p_offset, ph->p_filesz, ELF_T_NHDR);
    if (data == NULL)
        return 0;
    GElf_Nhdr nhdr;
    size_t offset = 0, name_at, desc_at;
    while (offset < data->d_size &&
           (offset = gelf_getnote(data, offset, &nhdr, &name_at, &desc_at)) > 0) {
        const char *name = (const char *)data->d_buf + name_at;
        if ((nhdr.n_type != KILN_NOTE_TYPE && nhdr.n_type != KILN_NOTE_PROGRAM) ||
            nhdr.n_namesz != sizeof KILN_NOTE_NAME ||
            memcmp(name, KILN_NOTE_NAME, sizeof KILN_NOTE_NAME) != 0)
            continue;
        if (take_note(image, &nhdr, (const char *)data->d_buf + desc_at) != 0)
            return -1;
    }
    return 0;
}

static int read_program_headers(struct image *image, Elf *elf)
{
    size_t count;
    if (elf_getphdrnum(elf, &count) != 0 || count == 0)
        return reject(image, "no program headers");
    if (count > UINT16_MAX ||
        count * sizeof(Elf64_Phdr) > image->size - (size_t)(image->phdrs - image->bytes))
        return reject(image, "program headers lie past the end of the file (truncated?)");
    image->phdr_count = (uint16_t)count;
    for (size_t i = 0; i < count; i++) {
        GElf_Phdr ph;
        if (gelf_getphdr(elf, (int)i, &ph) == NULL)
            return reject(image, "program header %zu unreadable: %s", i, elf_errmsg(-1));
        if (ph.p_type == PT_INTERP || ph.p_type == PT_DYNAMIC)
            return reject(image, "dynamically linked; kiln images are static");
        if (ph.p_type == PT_LOAD && add_segment(image, i, &ph) != 0)
            return -1;
        if (ph.p_type == PT_NOTE && read_notes(image, elf, &ph) != 0)
            return -1;
    }
    if (image->segment_count == 0)
        return reject(image, "no loadable segments");
    if (!image->has_note)
        return reject(image, "no KILN note: not built by kiln build");
    return 0;
}

/* Code must come from the file; data may lie in a segment's zero fill. */
static const struct image_segment *segment_holding(const struct image *image, uint32_t flag,
                                                   uint64_t gpa, uint64_t len)
{
    for (unsigned i = 0; i < image->segment_count; i++) {
        const struct image_segment *s = &image->segments[i];
        uint64_t size = flag == PF_X ? s->file_size : s->mem_size;
        if ((s->flags & flag) && gpa >= s->gpa && len <= size && gpa - s->gpa <= size - len)
            return s;
    }
    return NULL;
}

/* Ring-0 code must not lie in pages kiln serve's reset does not count as
 * code (reset.c). */
static int check_entry_outside_files(const struct image *image, const char *what, uint64_t gpa)
{
    if (!image_files_hold(&image->files, gpa))
        return 0;
    return reject(image, "%s 0x%lx lies in the embedded files", what, gpa);
}

/* The program's own entry and headers, which its auxiliary vector names:
 * its libc reads the headers and may call back into the entry. */
static int check_program(struct image *image)
{
    const struct kiln_program_note *program = &image->program;
    if (!segment_holding(image, PF_X, program->entry, 1))
        return reject(image, "program entry 0x%lx is not in an executable segment", program->entry);
    if (program->phdr_size != sizeof(Elf64_Phdr) || program->phdr_count == 0 ||
        program->phdr_count > UINT16_MAX ||
        !segment_holding(image, PF_R, program->phdr,
                         (uint64_t)program->phdr_count * program->phdr_size))
        return reject(image, "program headers at 0x%lx (%u of %u bytes) are not in the image",
                      program->phdr, program->phdr_count, program->phdr_size);
    return 0;
}

static int check_note(struct image *image)
{
    const struct kiln_note *note = &image->note;
    if (note->abi_version != KILN_ABI_VERSION)
        return reject(image, "built for kiln ABI %u; this kiln runs ABI %u (rebuild the image)",
                      note->abi_version, KILN_ABI_VERSION);
    if (note->default_mem < KILN_MEM_MIN || note->default_mem > KILN_MEM_MAX ||
        note->default_mem % KILN_MEM_ALIGN != 0)
        return reject(image,
                      "KILN note asks for %lu bytes of memory, not a 2 MiB multiple "
                      "between 16 MiB and 4 GiB",
                      note->default_mem);
    if (!segment_holding(image, PF_X, image->entry, 1))
        return reject(image, "entry point 0x%lx is not in an executable segment", image->entry);
    if (!segment_holding(image, PF_X, note->syscall_entry, 1))
        return reject(image, "syscall entry 0x%lx is not in an executable segment",
                      note->syscall_entry);
    if (!segment_holding(image, PF_X, note->exception_entries,
                         KILN_EXCEPTION_VECTORS * KILN_EXCEPTION_STUB_SIZE))
        return reject(image, "exception entries 0x%lx are not in an executable segment",
                      note->exception_entries);
    if (note->events % _Alignof(struct kiln_events) != 0 ||
        !segment_holding(image, PF_W, note->events, sizeof(struct kiln_events)))
        return reject(image, "events 0x%lx are not in a writable segment", note->events);
    if (check_entry_outside_files(image, "syscall entry", note->syscall_entry) != 0 ||
        check_entry_outside_files(image, "exception entries", note->exception_entries) != 0)
        return -1;
    return image->has_program ? check_program(image) : 0;
}

int image_parse(struct image *image, const char *name, uint8_t *bytes, size_t size)
{
    *image = (struct image){.name = name, .bytes = bytes, .size = size};
    if (size < EI_NIDENT || memcmp(bytes, ELFMAG, SELFMAG) != 0)
        return reject(image, "not an ELF file");
    elf_version(EV_CURRENT);
    Elf *elf = elf_memory((char *)bytes, size);
    if (elf == NULL)
        return reject(image, "unreadable ELF: %s", elf_errmsg(-1));
    int rc = check_header(image, elf);
    if (rc == 0)
        rc = read_program_headers(image, elf);
    image->files = image_files_locate(bytes, size);
    if (rc == 0)
        rc = image_files_check(image, true);
    if (rc == 0)
        rc = check_note(image);
    elf_end(elf);
    return rc;
}

int image_map(struct mapped_file *file, int *fd, const char *path, const char *name)
{
    const struct image named = {.name = name};
    *file = (struct mapped_file){0};
    *fd = open(path, O_RDONLY | O_CLOEXEC);
    int rc = *fd >= 0 ? mapped_file_map(file, *fd) : -errno;
    if (rc == -EISDIR || rc == -EINVAL)
        return reject(&named, "not a regular file");
    if (rc != 0)
        return reject(&named, "cannot open: %s", strerror(-rc));
    if (file->size == 0)
        return reject(&named, "an empty file, not an image");
    return 0;
}

int image_check(struct image *image)
{
    image->end = 0;
    if (image->segment_count == 0 || image->segment_count > IMAGE_MAX_SEGMENTS)
        return reject(image, "%u loadable segments, expected 1 to %d", image->segment_count,
                      IMAGE_MAX_SEGMENTS);
    for (unsigned i = 0; i < image->segment_count; i++) {
        if (check_segment(image, i, &image->segments[i], i) != 0)
            return -1;
        extend_end(image, &image->segments[i]);
    }
    if (image_files_check(image, false) != 0)
        return -1;
    return check_note(image);
}

bool image_holds_code(const struct image *image, uint64_t addr)
{
    return segment_holding(image, PF_X, addr, 1) != NULL;
}

int image_check_fits(const struct image *image, uint64_t ram_limit)
{
    if (image->end > ram_limit)
        return reject(image,
                      "needs memory up to 0x%lx, past the stack's guard page at 0x%lx "
                      "(give it more with --mem)",
                      image->end, ram_limit);
    return 0;
}

/* A segment's file bytes but the files' pages, which image_files_check()
 * put wholly inside one segment if at all. */
static void copy_around_files(uint8_t *dst, const uint8_t *src, const struct image_segment *s,
                              const struct image_files *files)
{
    uint64_t skip_from = s->file_size, skip_to = s->file_size;
    if (files->size != 0 && files->gpa >= s->gpa && files->gpa - s->gpa < s->file_size) {
        skip_from = files->gpa - s->gpa;
        skip_to = skip_from + files->size;
    }
    memcpy(dst, src, skip_from);
    memcpy(dst + skip_to, src + skip_to, s->file_size - skip_to);
}

int image_load(const struct image *image, const struct guest_mem *mem)
{
    for (unsigned i = 0; i < image->segment_count; i++) {
        const struct image_segment *s = &image->segments[i];
        uint8_t *dst = guest_mem_at(mem, s->gpa, s->mem_size);
        if (dst == NULL)
            return reject(image, "segment %u does not fit guest memory", i);
        copy_around_files(dst, image->bytes + s->file_offset, s, &image->files);
    }
    return 0;
}
