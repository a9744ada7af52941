#include "image_files.h"

#include <errno.h>
#include <gelf.h>
#include <string.h>

#include <kiln/abi.h>

#include "common/report.h"
#include "image.h"

/* The section's header, or false when the image has none (or no readable
 * section headers: the image checks say what is wrong with it). */
static bool find_section(Elf *elf, GElf_Shdr *found)
{
    size_t names;
    if (elf_getshdrstrndx(elf, &names) != 0)
        return false;
    for (Elf_Scn *scn = elf_nextscn(elf, NULL); scn != NULL; scn = elf_nextscn(elf, scn)) {
        GElf_Shdr shdr;
        const char *name;
        if (gelf_getshdr(scn, &shdr) != NULL && (name = elf_strptr(elf, names, shdr.sh_name)) &&
            strcmp(name, KILN_FILES_SECTION) == 0) {
            *found = shdr;
            return true;
        }
    }
    return false;
}

static bool page_aligned(uint64_t x)
{
    return x % KILN_PAGE_SIZE == 0;
}

struct image_files image_files_locate(const uint8_t *bytes, size_t size)
{
    struct image_files none = {0};
    GElf_Shdr shdr;
    if (size < EI_NIDENT || memcmp(bytes, ELFMAG, SELFMAG) != 0)
        return none;
    elf_version(EV_CURRENT);
    Elf *elf = elf_memory((char *)bytes, size);
    if (elf == NULL)
        return none;
    bool found = find_section(elf, &shdr);
    elf_end(elf);
    if (!found || shdr.sh_type == SHT_NOBITS || !page_aligned(shdr.sh_addr) ||
        !page_aligned(shdr.sh_offset) || shdr.sh_offset > size ||
        shdr.sh_size > size - shdr.sh_offset)
        return none;
    uint64_t pages = shdr.sh_size & ~(uint64_t)(KILN_PAGE_SIZE - 1);
    if (pages == 0)
        return none;
    return (struct image_files){.gpa = shdr.sh_addr, .file_offset = shdr.sh_offset, .size = pages};
}

bool image_files_hold(const struct image_files *files, uint64_t gpa)
{
    return gpa >= files->gpa && gpa - files->gpa < files->size;
}

int image_files_map(const struct image_files *files, const struct guest_mem *mem, int fd,
                    uint64_t file_size)
{
    if (files->size == 0)
        return 0;
    /* Pages past the file's end would fault (SIGBUS) where the guest reads them. */
    if (files->file_offset > file_size || files->size > file_size - files->file_offset)
        return -EINVAL;
    return guest_mem_map_file(mem, files->gpa, files->size, fd, files->file_offset);
}

int image_files_check(const struct image *image, bool from_file)
{
    const struct image_files *files = &image->files;
    if (files->size == 0)
        return 0;
    if ((files->gpa | files->file_offset | files->size) % KILN_PAGE_SIZE != 0)
        return report("%s: the embedded files' pages are not page-aligned", image->name);
    for (unsigned i = 0; i < image->segment_count; i++) {
        const struct image_segment *s = &image->segments[i];
        if (files->gpa >= s->gpa && files->size <= s->file_size &&
            files->gpa - s->gpa <= s->file_size - files->size &&
            (!from_file || files->file_offset - s->file_offset == files->gpa - s->gpa))
            return 0;
    }
    return report("%s: the embedded files (%s, 0x%lx bytes at 0x%lx) lie outside every segment",
                  image->name, KILN_FILES_SECTION, files->size, files->gpa);
}
