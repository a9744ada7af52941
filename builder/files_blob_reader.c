#include "files_blob_reader.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/report.h"
#include "guest_path.h"

#define ENTRY_SIZE      sizeof(struct kiln_files_entry)
#define PERMISSION_BITS 07777

static int check_header(struct files_reader *reader, const uint8_t *bytes, size_t size,
                        const char *name)
{
    struct kiln_files_header header;
    if (size < sizeof header)
        return report("%s: embedded files: %zu bytes, too few for their header", name, size);
    memcpy(&header, bytes, sizeof header);
    if (header.magic != KILN_FILES_MAGIC)
        return report("%s: embedded files: no KLNFILS1 magic", name);
    if (header.size < sizeof header || header.size > size)
        return report("%s: embedded files: size 0x%" PRIx64 " is not within their 0x%zx bytes",
                      name, header.size, size);
    if (header.entry_count == 0 || header.entry_count > (header.size - sizeof header) / ENTRY_SIZE)
        return report("%s: embedded files: %" PRIu32 " entries do not fit in 0x%" PRIx64 " bytes",
                      name, header.entry_count, header.size);
    uint64_t entries_end = sizeof header + (uint64_t)header.entry_count * ENTRY_SIZE;
    if (header.names_offset < entries_end || header.names_offset > header.size ||
        header.names_size > header.size - header.names_offset)
        return report("%s: embedded files: names at 0x%" PRIx64 " (0x%" PRIx64
                      " bytes) are not between the entries and the end",
                      name, header.names_offset, header.names_size);
    *reader = (struct files_reader){
        bytes, header.size, header.entry_count, header.names_offset, header.names_size, NULL};
    return 0;
}

static bool is_valid_name(const uint8_t *name, uint32_t len)
{
    if (len == 0 || len > KILN_FILES_NAME_MAX || memchr(name, '/', len) || memchr(name, 0, len))
        return false;
    return !(name[0] == '.' && (len == 1 || (len == 2 && name[1] == '.')));
}

/* Whether [offset, offset + len) lies in the blob. */
static bool holds(const struct files_reader *reader, uint64_t offset, uint64_t len)
{
    return offset <= reader->size && len <= reader->size - offset;
}

static int check_name(const struct files_reader *reader, uint32_t index,
                      const struct kiln_files_entry *entry, const char *name)
{
    if (index == 0 && (entry->name_len != 0 || entry->parent != 0 || !S_ISDIR(entry->mode)))
        return report("%s: embedded files: entry 0 is not a root folder", name);
    if (index == 0)
        return 0;
    if (entry->name_offset > reader->names_size ||
        entry->name_len > reader->names_size - entry->name_offset)
        return report("%s: embedded files: entry %" PRIu32 ": its name lies past the end", name,
                      index);
    if (!is_valid_name(files_reader_name(reader, entry), entry->name_len))
        return report("%s: embedded files: entry %" PRIu32 ": not a file name", name, index);
    return 0;
}

static int compare_names(const struct files_reader *reader, const struct kiln_files_entry *a,
                         const struct kiln_files_entry *b)
{
    uint32_t len = a->name_len < b->name_len ? a->name_len : b->name_len;
    int order = memcmp(files_reader_name(reader, a), files_reader_name(reader, b), len);
    if (order != 0)
        return order;
    return a->name_len < b->name_len ? -1 : a->name_len > b->name_len;
}

/* Under a folder that lists it, after its smaller-named sibling. */
static int check_place(const struct files_reader *reader, uint32_t index,
                       const struct kiln_files_entry *entry, const char *name)
{
    if (index == 0)
        return 0;
    if (entry->parent >= index)
        return report("%s: embedded files: entry %" PRIu32 ": parent %" PRIu32
                      " does not come before it",
                      name, index, entry->parent);
    struct kiln_files_entry parent = files_reader_entry(reader, entry->parent);
    if (!S_ISDIR(parent.mode) || index < parent.first_child ||
        index - parent.first_child >= parent.child_count)
        return report("%s: embedded files: entry %" PRIu32 ": not among its parent's children",
                      name, index);
    struct kiln_files_entry before = files_reader_entry(reader, index - 1);
    if (index > parent.first_child && compare_names(reader, &before, entry) >= 0)
        return report("%s: embedded files: entry %" PRIu32 ": names out of order", name, index);
    return 0;
}

static int check_data(const struct files_reader *reader, uint32_t index,
                      const struct kiln_files_entry *entry, const char *name)
{
    bool fits = holds(reader, entry->data_offset, entry->size);
    if (S_ISDIR(entry->mode) && (entry->size != 0 || entry->data_offset != 0))
        return report("%s: embedded files: entry %" PRIu32 ": a folder with data", name, index);
    if (S_ISREG(entry->mode) && (!fits || entry->data_offset % KILN_PAGE_SIZE != 0))
        return report("%s: embedded files: entry %" PRIu32 ": 0x%" PRIx64 " bytes at 0x%" PRIx64
                      " are not page-aligned within the blob",
                      name, index, entry->size, entry->data_offset);
    if (S_ISLNK(entry->mode) && (!fits || entry->size == 0 || entry->size > GUEST_PATH_LEN_MAX))
        return report("%s: embedded files: entry %" PRIu32 ": a symlink target of 0x%" PRIx64
                      " bytes at 0x%" PRIx64 " is not within 1 to 4095 bytes of the blob",
                      name, index, entry->size, entry->data_offset);
    return 0;
}

/* Hard links name the first entry of their data, which names itself. */
static int check_ino(const struct files_reader *reader, uint32_t index,
                     const struct kiln_files_entry *entry, const char *name)
{
    if (entry->ino == index + 1)
        return 0;
    struct kiln_files_entry first = entry->ino >= 1 && entry->ino <= index
                                        ? files_reader_entry(reader, entry->ino - 1)
                                        : (struct kiln_files_entry){0};
    if (S_ISDIR(entry->mode) || first.ino != entry->ino || first.mode != entry->mode ||
        first.data_offset != entry->data_offset || first.size != entry->size)
        return report("%s: embedded files: entry %" PRIu32 ": inode %" PRIu32
                      " is not an earlier link to the same data",
                      name, index, entry->ino);
    return 0;
}

/* Each folder's children follow those of the folders before it. */
static int check_children(uint32_t index, const struct kiln_files_entry *entry, uint64_t *next,
                          const char *name)
{
    if (!S_ISDIR(entry->mode) || entry->child_count == 0)
        return 0;
    if (entry->first_child != *next || entry->first_child <= index)
        return report("%s: embedded files: entry %" PRIu32 ": children from %" PRIu32
                      ", expected %" PRIu64,
                      name, index, entry->first_child, *next);
    *next += entry->child_count;
    return 0;
}

static int check_kind(uint32_t index, const struct kiln_files_entry *entry, const char *name)
{
    uint32_t type = entry->mode & S_IFMT;
    if ((type != S_IFREG && type != S_IFDIR && type != S_IFLNK) ||
        (entry->mode & ~(S_IFMT | PERMISSION_BITS)) != 0)
        return report("%s: embedded files: entry %" PRIu32 ": mode 0%" PRIo32
                      " is not a file, folder or symlink",
                      name, index, entry->mode);
    if (entry->nlink < (S_ISDIR(entry->mode) ? 2 : 1))
        return report("%s: embedded files: entry %" PRIu32 ": %" PRIu32 " links", name, index,
                      entry->nlink);
    return 0;
}

static int check_path(struct files_reader *reader, uint32_t index,
                      const struct kiln_files_entry *entry, const char *name)
{
    uint64_t above = index == 0 || entry->parent == 0 ? 0 : reader->path_lens[entry->parent];
    uint64_t len = index == 0 ? 1 : above + 1 + entry->name_len;
    if (len > GUEST_PATH_LEN_MAX)
        return report("%s: embedded files: entry %" PRIu32 ": a path longer than 4095 bytes", name,
                      index);
    reader->path_lens[index] = (uint32_t)len;
    return 0;
}

static int check_entries(struct files_reader *reader, const char *name)
{
    uint64_t next = 1;
    for (uint32_t i = 0; i < reader->entry_count; i++) {
        struct kiln_files_entry entry = files_reader_entry(reader, i);
        if (check_kind(i, &entry, name) != 0 || check_name(reader, i, &entry, name) != 0 ||
            check_place(reader, i, &entry, name) != 0 || check_data(reader, i, &entry, name) != 0 ||
            check_ino(reader, i, &entry, name) != 0 ||
            check_children(i, &entry, &next, name) != 0 || check_path(reader, i, &entry, name) != 0)
            return -1;
    }
    if (next != reader->entry_count)
        return report("%s: embedded files: folders list %" PRIu64 " entries, not %" PRIu32, name,
                      next, reader->entry_count);
    return 0;
}

int files_reader_open(struct files_reader *reader, const uint8_t *bytes, size_t size,
                      const char *name)
{
    if (check_header(reader, bytes, size, name) != 0)
        return -1;
    reader->path_lens = calloc(reader->entry_count, sizeof *reader->path_lens);
    if (reader->path_lens == NULL)
        return report("%s: embedded files: out of memory", name);
    if (check_entries(reader, name) != 0) {
        files_reader_close(reader);
        return -1;
    }
    return 0;
}

void files_reader_close(struct files_reader *reader)
{
    free(reader->path_lens);
    reader->path_lens = NULL;
}

struct kiln_files_entry files_reader_entry(const struct files_reader *reader, uint32_t index)
{
    struct kiln_files_entry entry;
    memcpy(&entry, reader->bytes + sizeof(struct kiln_files_header) + (uint64_t)index * ENTRY_SIZE,
           sizeof entry);
    return entry;
}

const uint8_t *files_reader_name(const struct files_reader *reader,
                                 const struct kiln_files_entry *entry)
{
    return reader->bytes + reader->names_offset + entry->name_offset;
}

const uint8_t *files_reader_data(const struct files_reader *reader,
                                 const struct kiln_files_entry *entry)
{
    return reader->bytes + entry->data_offset;
}

/* Written from its end: each name goes before its children's. */
void files_reader_path(const struct files_reader *reader, uint32_t index, char path[KILN_PATH_MAX])
{
    uint32_t end = reader->path_lens[index];
    path[end] = '\0';
    path[0] = '/';
    while (index != 0) {
        struct kiln_files_entry entry = files_reader_entry(reader, index);
        end -= entry.name_len;
        memcpy(path + end, files_reader_name(reader, &entry), entry.name_len);
        path[--end] = '/';
        index = entry.parent;
    }
}
