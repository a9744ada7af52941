/*
 * Every offset the blob holds is checked where it is used, so a malformed
 * blob reads as missing entries rather than stray memory.
 */
#define _GNU_SOURCE
#include "embedded.h"
#include "bytes.h"
#include <sys/stat.h>

static bool range_inside(uint64_t offset, uint64_t len, uint64_t size)
{
    return offset <= size && len <= size - offset;
}

bool embedded_open(struct embedded_tree *tree, const void *start, uint64_t len)
{
    const struct kiln_files_header *header = start;

    bytes_zero(tree, sizeof *tree);
    if (len < sizeof *header || header->magic != KILN_FILES_MAGIC || header->entry_count == 0 ||
        header->size > len)
        return false;
    uint64_t entries_size = (uint64_t)header->entry_count * sizeof(struct kiln_files_entry);
    if (!range_inside(sizeof *header, entries_size, header->size) ||
        !range_inside(header->names_offset, header->names_size, header->size))
        return false;
    tree->base = start;
    tree->entries = (const struct kiln_files_entry *)(header + 1);
    tree->names = tree->base + header->names_offset;
    tree->names_size = header->names_size;
    tree->size = header->size;
    tree->count = header->entry_count;
    return true;
}

const struct kiln_files_entry *embedded_entry(const struct embedded_tree *tree, uint32_t index)
{
    return index < tree->count ? &tree->entries[index] : NULL;
}

const char *embedded_name(const struct embedded_tree *tree, uint32_t index, uint32_t *len)
{
    const struct kiln_files_entry *entry = embedded_entry(tree, index);

    *len = 0;
    if (!entry || entry->name_len > KILN_FILES_NAME_MAX ||
        !range_inside(entry->name_offset, entry->name_len, tree->names_size))
        return "";
    *len = entry->name_len;
    return tree->names + entry->name_offset;
}

const char *embedded_data(const struct embedded_tree *tree, uint32_t index)
{
    const struct kiln_files_entry *entry = embedded_entry(tree, index);

    if (!entry || !range_inside(entry->data_offset, entry->size, tree->size))
        return NULL;
    return tree->base + entry->data_offset;
}

uint32_t embedded_child_count(const struct embedded_tree *tree, uint32_t folder)
{
    const struct kiln_files_entry *entry = embedded_entry(tree, folder);

    if (!entry || !S_ISDIR(entry->mode) || entry->first_child > tree->count ||
        entry->child_count > tree->count - entry->first_child)
        return 0;
    return entry->child_count;
}

int fs_name_compare(const char *a, uint32_t a_len, const char *b, uint32_t b_len)
{
    uint32_t common = a_len < b_len ? a_len : b_len;

    for (uint32_t i = 0; i < common; i++)
        if (a[i] != b[i])
            return (unsigned char)a[i] < (unsigned char)b[i] ? -1 : 1;
    return a_len < b_len ? -1 : a_len > b_len;
}

/* Binary search: the position of the first child not sorting before name
 * (or, with after, not sorting before or equal to it). */
static uint32_t lower_bound(const struct embedded_tree *tree, uint32_t folder, const char *name,
                            uint32_t len, bool after)
{
    uint32_t low = 0, high = embedded_child_count(tree, folder);
    uint32_t first = high > 0 ? tree->entries[folder].first_child : 0;

    while (low < high) {
        uint32_t mid = low + (high - low) / 2;
        uint32_t mid_len;
        const char *mid_name = embedded_name(tree, first + mid, &mid_len);
        int order = fs_name_compare(mid_name, mid_len, name, len);
        if (order < 0 || (after && order == 0))
            low = mid + 1;
        else
            high = mid;
    }
    return low;
}

uint32_t embedded_find(const struct embedded_tree *tree, uint32_t folder, const char *name,
                       uint32_t len)
{
    uint32_t count = embedded_child_count(tree, folder);
    uint32_t position = lower_bound(tree, folder, name, len, false);

    if (position == count)
        return EMBEDDED_NONE;
    uint32_t index = tree->entries[folder].first_child + position;
    uint32_t found_len;
    const char *found = embedded_name(tree, index, &found_len);
    return fs_name_compare(found, found_len, name, len) == 0 ? index : EMBEDDED_NONE;
}

uint32_t embedded_position_after(const struct embedded_tree *tree, uint32_t folder,
                                 const char *name, uint32_t len)
{
    return lower_bound(tree, folder, name, len, true);
}
