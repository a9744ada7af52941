#include "boot_cache.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "common/atomic_file.h"
#include "common/bits.h"
#include "common/cache_entry.h"
#include "common/file_io.h"
#include "common/report.h"

#define BOOT_MAGIC  "KILNBOOT"
#define BOOT_FORMAT 4 /* bump when the header or the layout changes */
#define ENTRY_MODE  0600

struct boot_segment {
    uint64_t gpa;
    uint64_t file_size;
    uint64_t mem_size;
    uint32_t flags;
    uint32_t pad;
};
_Static_assert(sizeof(struct boot_segment) == 32, "boot_segment layout");

/* The header page: this, then the program headers, then zeros. */
struct boot_header {
    char magic[8];
    uint32_t format;
    uint32_t pad;
    struct content_hash hash;  /* of the whole file from `image` on */
    struct content_hash image; /* the image file's: the key */
    uint64_t content_size;
    uint64_t entry;
    struct kiln_note note;
    struct kiln_program_note program;
    uint32_t has_program;
    uint32_t segment_count;
    uint16_t phdr_count;
    uint16_t phdr_size;
    uint32_t pad2;
    struct boot_segment segments[IMAGE_MAX_SEGMENTS];
    struct image_files files; /* a hole in the memory kept: mapped from the image file */
};
_Static_assert(sizeof(struct boot_header) == 696, "boot_header layout");

#define PHDR_ROOM   (BOOT_HEADER_SIZE - sizeof(struct boot_header))
#define HASHED_FROM offsetof(struct boot_header, image)

static void say(bool verbose, const char *what, const char *path)
{
    if (verbose)
        report("boot cache: %s, %s", what, path);
}

/* A stretch of guest memory, kept one after the other in the entry. */
struct part {
    uint64_t gpa;
    uint64_t size;
};

/* The memory kept: from KILN_IMAGE_BASE up to the page holding the last
 * byte any segment takes from the file (bss past it stays anonymous),
 * less the embedded files' pages, which image_check() put inside it.
 * Those are mapped from the image file at every boot, whatever the
 * entry, so the entry stays as small as an image without files. */
static void parts_of(const struct image *image, struct part parts[2])
{
    uint64_t end = KILN_IMAGE_BASE;
    for (unsigned i = 0; i < image->segment_count; i++) {
        const struct image_segment *s = &image->segments[i];
        if (s->gpa + s->file_size > end)
            end = s->gpa + s->file_size;
    }
    end = ALIGN_UP(end, KILN_PAGE_SIZE);
    const struct image_files *files = &image->files;
    uint64_t hole = files->size != 0 ? files->gpa : end;
    parts[0] = (struct part){KILN_IMAGE_BASE, hole - KILN_IMAGE_BASE};
    parts[1] = (struct part){hole + files->size, end - (hole + files->size)};
}

static uint64_t content_size_of(const struct image *image)
{
    struct part parts[2];
    parts_of(image, parts);
    return parts[0].size + parts[1].size;
}

static int entry_path(char *path, size_t path_size, const char *cache_dir,
                      const struct content_hash *hash)
{
    return cache_entry_path(path, path_size, cache_dir, CACHE_BOOT, hash, "");
}

/* The hash of the header's page and of the content that follows it,
 * given in count pieces. */
static struct content_hash hash_entry(const uint8_t *header, const struct iovec *content,
                                      size_t count)
{
    struct content_hasher hasher;
    content_hasher_start(&hasher);
    content_hasher_add(&hasher, header + HASHED_FROM, BOOT_HEADER_SIZE - HASHED_FROM);
    for (size_t i = 0; i < count; i++)
        content_hasher_add(&hasher, content[i].iov_base, content[i].iov_len);
    return content_hasher_digest(&hasher);
}

/* The header's own fields, before anything is mapped by them. */
static const char *header_fault(const struct boot_header *header, uint64_t file_size,
                                const struct content_hash *hash)
{
    if (file_size < BOOT_HEADER_SIZE)
        return "shorter than its header";
    if (memcmp(header->magic, BOOT_MAGIC, sizeof header->magic) != 0)
        return "not a kiln boot entry";
    if (header->content_size != file_size - BOOT_HEADER_SIZE ||
        header->content_size % KILN_PAGE_SIZE != 0)
        return "truncated";
    if (!content_hash_equal(&header->image, hash))
        return "made for another image";
    if (header->segment_count == 0 || header->segment_count > IMAGE_MAX_SEGMENTS ||
        header->phdr_size != sizeof(Elf64_Phdr) ||
        (uint64_t)header->phdr_count * header->phdr_size > PHDR_ROOM)
        return "malformed header";
    return NULL;
}

static const char *content_fault(const struct boot_entry *entry)
{
    const struct boot_header *header = (const struct boot_header *)entry->header;
    void *content =
        mmap(NULL, entry->content_size, PROT_READ, MAP_PRIVATE, entry->fd, BOOT_HEADER_SIZE);
    if (content == MAP_FAILED)
        return "unreadable";
    const struct iovec whole = {content, entry->content_size};
    struct content_hash hash = hash_entry(entry->header, &whole, 1);
    munmap(content, entry->content_size);
    return content_hash_equal(&hash, &header->hash) ? NULL : "content does not match its hash";
}

static void fill_image(struct image *image, const struct boot_entry *entry, const char *name)
{
    const struct boot_header *header = (const struct boot_header *)entry->header;
    *image = (struct image){
        .name = name,
        .entry = header->entry,
        .segment_count = header->segment_count,
        .phdrs = entry->header + sizeof *header,
        .phdr_count = header->phdr_count,
        .phdr_size = header->phdr_size,
        .note = header->note,
        .has_note = true,
        .program = header->program,
        .has_program = header->has_program != 0,
        .files = header->files,
    };
    for (unsigned i = 0; i < header->segment_count; i++) {
        const struct boot_segment *s = &header->segments[i];
        image->segments[i] = (struct image_segment){
            .gpa = s->gpa, .file_size = s->file_size, .mem_size = s->mem_size, .flags = s->flags};
    }
}

/* Returns NULL when the entry is whole and describes a valid image. */
static const char *entry_fault(struct boot_entry *entry, struct image *image,
                               const struct content_hash *hash, const char *name)
{
    const struct boot_header *header = (const struct boot_header *)entry->header;
    struct stat st;
    if (fstat(entry->fd, &st) != 0)
        return "unreadable";
    const char *fault = header_fault(header, (uint64_t)st.st_size, hash);
    if (fault != NULL)
        return fault;
    entry->content_size = header->content_size;
    fault = content_fault(entry);
    if (fault != NULL)
        return fault;
    fill_image(image, entry, name);
    if (image_check(image) != 0 || content_size_of(image) != entry->content_size)
        return "does not describe a valid image";
    return NULL;
}

/* Returns 1 for a good entry, 0 for one in another kiln's format (replaced
 * after this run), -1 for a corrupt one (dropped). */
static int check_entry(struct boot_entry *entry, struct image *image,
                       const struct content_hash *hash, const char *name, const char *path)
{
    const struct boot_header *header = (const struct boot_header *)entry->header;
    ssize_t got = pread(entry->fd, entry->header, BOOT_HEADER_SIZE, 0);
    const char *fault = got == BOOT_HEADER_SIZE ? NULL : "shorter than its header";
    if (fault == NULL && memcmp(header->magic, BOOT_MAGIC, sizeof header->magic) == 0 &&
        header->format != BOOT_FORMAT)
        return 0;
    if (fault == NULL)
        fault = entry_fault(entry, image, hash, name);
    if (fault == NULL)
        return 1;
    cache_entry_drop(path, fault);
    return -1;
}

int boot_cache_open(struct boot_entry *entry, struct image *image, const char *cache_dir,
                    const struct content_hash *hash, const char *name, bool verbose)
{
    char path[PATH_MAX];
    entry->fd = -1;
    if (entry_path(path, sizeof path, cache_dir, hash) != 0)
        return 0;
    entry->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (entry->fd < 0) {
        say(verbose, errno == ENOENT ? "miss, no entry" : "miss, the entry is unreadable", path);
        return 0;
    }
    int found = check_entry(entry, image, hash, name, path);
    say(verbose, found > 0 ? "hit" : found == 0 ? "miss, made by another kiln" : "miss", path);
    if (found <= 0)
        boot_cache_close(entry);
    return found > 0;
}

/* Shared RAM (a snapshot's memfd) must hold the bytes itself: a mapping
 * over it would leave them out of the file. */
static int copy_part(const struct boot_entry *entry, const struct guest_mem *mem,
                     const struct part *part, uint64_t offset)
{
    uint8_t *at = guest_mem_at(mem, part->gpa, part->size);
    if (at == NULL)
        return -EFAULT;
    if (lseek(entry->fd, (off_t)offset, SEEK_SET) < 0)
        return -errno;
    ssize_t got = read_all(entry->fd, at, part->size);
    if (got < 0)
        return -errno;
    return (uint64_t)got == part->size ? 0 : -EIO;
}

static int map_part(const struct boot_entry *entry, const struct guest_mem *mem,
                    const struct part *part, uint64_t offset)
{
    if (part->size == 0)
        return 0;
    if (mem->shared)
        return copy_part(entry, mem, part, offset);
    return guest_mem_map_file(mem, part->gpa, part->size, entry->fd, offset);
}

int boot_cache_map(const struct boot_entry *entry, const struct image *image,
                   const struct guest_mem *mem)
{
    struct part parts[2];
    parts_of(image, parts);
    int rc = map_part(entry, mem, &parts[0], BOOT_HEADER_SIZE);
    if (rc == 0)
        rc = map_part(entry, mem, &parts[1], BOOT_HEADER_SIZE + parts[0].size);
    if (rc != 0)
        return report("%s: cannot map the boot cache's memory: %s", image->name, strerror(-rc));
    return 0;
}

void boot_cache_close(struct boot_entry *entry)
{
    if (entry->fd >= 0)
        close(entry->fd);
    entry->fd = -1;
}

static void fill_header(struct boot_header *header, const struct image *image,
                        const struct content_hash *hash, uint64_t content_size)
{
    memcpy(header->magic, BOOT_MAGIC, sizeof header->magic);
    header->format = BOOT_FORMAT;
    header->segment_count = image->segment_count;
    header->image = *hash;
    header->content_size = content_size;
    header->entry = image->entry;
    header->note = image->note;
    header->program = image->program;
    header->has_program = image->has_program;
    header->phdr_count = image->phdr_count;
    header->phdr_size = image->phdr_size;
    header->files = image->files;
    for (unsigned i = 0; i < image->segment_count; i++) {
        const struct image_segment *s = &image->segments[i];
        header->segments[i] = (struct boot_segment){
            .gpa = s->gpa, .file_size = s->file_size, .mem_size = s->mem_size, .flags = s->flags};
    }
}

void boot_cache_save(const char *cache_dir, const struct content_hash *hash,
                     const struct image *image, const struct guest_mem *mem, bool verbose)
{
    char path[PATH_MAX];
    uint8_t page[BOOT_HEADER_SIZE] = {0};
    struct boot_header *header = (struct boot_header *)page;
    struct part parts[2];
    parts_of(image, parts);
    uint64_t phdr_bytes = (uint64_t)image->phdr_count * image->phdr_size;
    struct iovec pieces[3] = {{page, sizeof page}};
    for (size_t i = 0; i < 2; i++)
        pieces[i + 1] =
            (struct iovec){guest_mem_at(mem, parts[i].gpa, parts[i].size), parts[i].size};
    if (entry_path(path, sizeof path, cache_dir, hash) != 0)
        return;
    if (phdr_bytes > PHDR_ROOM || pieces[1].iov_base == NULL || pieces[2].iov_base == NULL) {
        say(verbose, "not kept, too many program headers", path);
        return;
    }
    fill_header(header, image, hash, parts[0].size + parts[1].size);
    memcpy(page + sizeof *header, image->phdrs, phdr_bytes);
    header->hash = hash_entry(page, pieces + 1, 2);
    if (cache_entry_make_folder(path) == 0)
        atomic_file_write(path, ENTRY_MODE, pieces, 3);
}
