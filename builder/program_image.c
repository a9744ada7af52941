#include "program_image.h"

#include <elf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>

#include <kiln/abi.h>

#include "builder.h"
#include "common/atomic_file.h"
#include "common/bits.h"
#include "common/mapped_file.h"
#include "common/report.h"

/* The runtime's own loads and note, the program's and the interpreter's
 * loads, and the program note. */
#define MAX_PHDRS      (8 + 2 * PROGRAM_MAX_LOADS + 1)
#define MAX_PARTS      (4 * PROGRAM_MAX_LOADS + 8)
#define NOTE_NAME_SIZE ALIGN_UP(sizeof KILN_NOTE_NAME, 4)

static const uint8_t zeros[KILN_PAGE_SIZE];

/* Bytes, not the struct: a note's descriptor follows the name at 4-byte
 * alignment, where the struct would be padded to 8. */
struct program_note_bytes {
    Elf64_Nhdr header;
    char name[NOTE_NAME_SIZE];
    uint8_t desc[sizeof(struct kiln_program_note)];
};

/* The output, gathered as pieces of iovec: the runtime image first. */
struct writer {
    struct iovec parts[MAX_PARTS];
    size_t count;
    uint64_t size;
    Elf64_Phdr phdrs[MAX_PHDRS];
    unsigned phdr_count;
};

static void add_part(struct writer *w, const void *bytes, uint64_t len)
{
    w->parts[w->count++] = (struct iovec){(void *)bytes, len};
    w->size += len;
}

/* Zeros up to the next offset that is congruent to vaddr modulo a page,
 * as a loadable segment's file offset must be. */
static void pad_for(struct writer *w, uint64_t vaddr)
{
    uint64_t at = ALIGN_UP(w->size, KILN_PAGE_SIZE) + (vaddr & (KILN_PAGE_SIZE - 1));
    if (at - w->size >= KILN_PAGE_SIZE)
        at -= KILN_PAGE_SIZE;
    add_part(w, zeros, at - w->size);
}

static void add_loads(struct writer *w, const struct program_elf *elf, uint64_t base)
{
    for (unsigned i = 0; i < elf->load_count; i++) {
        const struct program_load *load = &elf->loads[i];
        pad_for(w, base + load->vaddr);
        w->phdrs[w->phdr_count++] = (Elf64_Phdr){
            .p_type = PT_LOAD,
            .p_flags = load->flags,
            .p_offset = w->size,
            .p_vaddr = base + load->vaddr,
            .p_paddr = base + load->vaddr,
            .p_filesz = load->file_size,
            .p_memsz = load->mem_size,
            .p_align = KILN_PAGE_SIZE,
        };
        add_part(w, elf->file.bytes + load->offset, load->file_size);
    }
}

/* The load base of elf, at the first suitably aligned address from
 * `from`; a program linked at fixed addresses stays there, above the
 * first MiB that kiln keeps. */
static int place(const struct program_elf *elf, uint64_t from, uint64_t *base)
{
    uint64_t align = elf->align > KILN_PAGE_SIZE ? elf->align : KILN_PAGE_SIZE;
    if (elf->position_independent) {
        if (align > KILN_MEM_MAX || (align & (align - 1)) != 0)
            return report("%s: a segment alignment of 0x%lx kiln cannot meet", elf->path,
                          (unsigned long)elf->align);
        *base = ALIGN_UP(from, align) - elf->low;
        return 0;
    }
    *base = 0;
    if (elf->low < KILN_IMAGE_BASE || elf->high > KILN_MEM_MAX)
        return report("%s: linked at 0x%lx-0x%lx, outside the guest memory kiln gives programs "
                      "(0x%x up)",
                      elf->path, (unsigned long)elf->low, (unsigned long)elf->high,
                      KILN_IMAGE_BASE);
    return 0;
}

int program_layout_plan(struct program_layout *layout, const struct program_elf *program)
{
    *layout = (struct program_layout){0};
    if (place(program, PROGRAM_PIE_BASE, &layout->program_base) != 0)
        return -1;
    uint64_t end = layout->program_base + program->high;
    if (program->interp != NULL) {
        if (program_elf_open(&layout->interp, program->interp, PROGRAM_INTERP) != 0)
            return -1;
        layout->has_interp = true;
        if (place(&layout->interp, end, &layout->interp_base) != 0) {
            program_layout_close(layout);
            return -1;
        }
        end = layout->interp_base + layout->interp.high;
    }
    layout->runtime_base = ALIGN_UP(end, KILN_PAGE_SIZE);
    return 0;
}

void program_layout_close(struct program_layout *layout)
{
    if (layout->has_interp)
        program_elf_close(&layout->interp);
    layout->has_interp = false;
}

static void add_note(struct writer *w, struct program_note_bytes *note,
                     const struct kiln_program_note *desc)
{
    *note = (struct program_note_bytes){
        .header = {.n_namesz = sizeof KILN_NOTE_NAME,
                   .n_descsz = sizeof note->desc,
                   .n_type = KILN_NOTE_PROGRAM},
    };
    memcpy(note->name, KILN_NOTE_NAME, sizeof KILN_NOTE_NAME);
    memcpy(note->desc, desc, sizeof note->desc);
    add_part(w, zeros, ALIGN_UP(w->size, 8) - w->size);
    w->phdrs[w->phdr_count++] = (Elf64_Phdr){
        .p_type = PT_NOTE,
        .p_flags = PF_R,
        .p_offset = w->size,
        .p_filesz = sizeof *note,
        .p_align = 8,
    };
    add_part(w, note, sizeof *note);
}

static void lay_out(struct writer *w, Elf64_Ehdr *ehdr, struct program_note_bytes *note,
                    const struct program_layout *layout, const struct program_elf *program)
{
    add_loads(w, program, layout->program_base);
    if (layout->has_interp)
        add_loads(w, &layout->interp, layout->interp_base);
    add_note(w, note,
             &(struct kiln_program_note){
                 .entry = layout->program_base + program->entry,
                 .phdr = layout->program_base + program->phdr_vaddr,
                 .phdr_count = program->phdr_count,
                 .phdr_size = sizeof(Elf64_Phdr),
                 .interp_base = layout->interp_base,
             });
    add_part(w, zeros, ALIGN_UP(w->size, 8) - w->size);
    ehdr->e_phoff = w->size;
    ehdr->e_phnum = (uint16_t)w->phdr_count;
    ehdr->e_entry = layout->has_interp ? layout->interp_base + layout->interp.entry
                                       : layout->program_base + program->entry;
    add_part(w, w->phdrs, w->phdr_count * sizeof(Elf64_Phdr));
}

/* The runtime image as kiln.ld linked it: its header, to patch, and its
 * program headers, to keep. */
static int read_runtime(struct writer *w, const struct mapped_file *runtime, Elf64_Ehdr *ehdr,
                        const char *path)
{
    if (runtime->size < sizeof *ehdr)
        return report("%s: the runtime image is truncated", path);
    memcpy(ehdr, runtime->bytes, sizeof *ehdr);
    if (ehdr->e_phentsize != sizeof(Elf64_Phdr) || ehdr->e_phnum > 8 ||
        ehdr->e_phoff > runtime->size ||
        ehdr->e_phnum * sizeof(Elf64_Phdr) > runtime->size - ehdr->e_phoff)
        return report("%s: the runtime image has unexpected program headers", path);
    memcpy(w->phdrs, runtime->bytes + ehdr->e_phoff, ehdr->e_phnum * sizeof(Elf64_Phdr));
    w->phdr_count = ehdr->e_phnum;
    add_part(w, ehdr, sizeof *ehdr);
    add_part(w, runtime->bytes + sizeof *ehdr, runtime->size - sizeof *ehdr);
    return 0;
}

int program_image_append(const char *image_path, const struct program_layout *layout,
                         const struct program_elf *program, bool verbose)
{
    struct mapped_file runtime;
    struct writer w = {0};
    Elf64_Ehdr ehdr;
    struct program_note_bytes note;
    int rc = mapped_file_open(&runtime, image_path);
    if (rc != 0)
        return report("%s: cannot read the runtime image: %s", image_path, strerror(-rc));
    rc = read_runtime(&w, &runtime, &ehdr, image_path);
    if (rc == 0) {
        lay_out(&w, &ehdr, &note, layout, program);
        rc = atomic_file_write(image_path, IMAGE_MODE, w.parts, w.count);
    }
    if (rc == 0 && verbose)
        report("build: %s at 0x%lx, the runtime at 0x%lx%s%s", program->path,
               (unsigned long)(layout->program_base + program->low),
               (unsigned long)layout->runtime_base, layout->has_interp ? ", its interpreter " : "",
               layout->has_interp ? program->interp : "");
    mapped_file_close(&runtime);
    return rc;
}
