#include "files_blob.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <kiln/abi.h>

#include "common/bits.h"
#include "common/report.h"

#define ENTRIES_OFFSET sizeof(struct kiln_files_header)

struct layout {
    struct file_node **order; /* by entry index */
    uint32_t count;
    uint64_t names_offset;
    uint64_t names_size; /* names, then symlink targets */
    uint64_t size;
};

static void append_child(struct file_node *child, void *context)
{
    struct layout *layout = context;
    child->index = layout->count;
    layout->order[layout->count++] = child;
    if (S_ISDIR(child->mode))
        child->parent->subfolders++;
}

/* Each folder's children are appended, sorted, when the folder's turn
 * comes: so they are consecutive, and every entry follows its parent. */
static void order_breadth_first(struct file_tree *tree, struct layout *layout)
{
    layout->order[0] = &tree->root;
    layout->count = 1;
    for (uint32_t i = 0; i < layout->count; i++) {
        struct file_node *node = layout->order[i];
        node->first_child = node->child_count > 0 ? layout->count : 0;
        node->subfolders = 0;
        file_tree_children(node, append_child, layout);
    }
}

/* The first entry to hold data (in index order) places it for all its
 * hard links: its index is their inode number. */
static void place(struct file_data *data, uint32_t first, uint64_t offset)
{
    data->first = first;
    data->offset = offset;
    data->placed = true;
}

static int place_names(struct layout *layout)
{
    uint64_t names = 0;
    for (uint32_t i = 0; i < layout->count; i++)
        names += strlen(layout->order[i]->name);
    if (names > UINT32_MAX)
        return report("embedded files: their names take %" PRIu64 " bytes, more than 4G", names);
    for (uint32_t i = 0; i < layout->count; i++) {
        struct file_data *data = layout->order[i]->data;
        if (data == NULL || data->placed || !S_ISLNK(layout->order[i]->mode))
            continue;
        place(data, i, layout->names_offset + names);
        names += data->size;
    }
    layout->names_size = names;
    return 0;
}

/* Each file's bytes start on a page, so that the runtime can map them. */
static int place_data(struct layout *layout)
{
    uint64_t end = ALIGN_UP(layout->names_offset + layout->names_size, KILN_PAGE_SIZE);
    for (uint32_t i = 0; i < layout->count; i++) {
        struct file_data *data = layout->order[i]->data;
        if (data == NULL || data->placed)
            continue;
        if (data->size > KILN_MEM_MAX || end + data->size > KILN_MEM_MAX)
            return report("embedded files: more than 4G, the most guest memory there is");
        place(data, i, end);
        end = ALIGN_UP(end + data->size, KILN_PAGE_SIZE);
    }
    layout->size = end;
    return 0;
}

static struct kiln_files_entry entry_of(const struct file_node *node, uint32_t index,
                                        uint32_t name_offset)
{
    struct kiln_files_entry entry = {
        .mode = node->mode,
        .parent = node->parent != NULL ? node->parent->index : 0,
        .name_offset = name_offset,
        .name_len = (uint32_t)strlen(node->name),
        .first_child = node->first_child,
        .child_count = node->child_count,
        .nlink = 2 + node->subfolders,
        .ino = 1 + index,
    };
    if (node->data != NULL) {
        entry.nlink = node->data->links;
        entry.ino = 1 + node->data->first;
        entry.size = node->data->size;
        entry.data_offset = node->data->offset;
    }
    return entry;
}

static void fill(const struct layout *layout, uint8_t *blob)
{
    struct kiln_files_header header = {
        .magic = KILN_FILES_MAGIC,
        .entry_count = layout->count,
        .names_offset = layout->names_offset,
        .names_size = layout->names_size,
        .size = layout->size,
    };
    memcpy(blob, &header, sizeof header);
    uint32_t name_offset = 0;
    for (uint32_t i = 0; i < layout->count; i++) {
        const struct file_node *node = layout->order[i];
        struct kiln_files_entry entry = entry_of(node, i, name_offset);
        memcpy(blob + ENTRIES_OFFSET + (uint64_t)i * sizeof entry, &entry, sizeof entry);
        memcpy(blob + layout->names_offset + name_offset, node->name, entry.name_len);
        name_offset += entry.name_len;
        if (node->data != NULL && node->data->first == i && node->data->size > 0)
            memcpy(blob + node->data->offset, node->data->bytes, node->data->size);
    }
}

int files_blob_write(struct file_tree *tree, struct files_blob *blob)
{
    *blob = (struct files_blob){0};
    if (tree->count > UINT32_MAX)
        return report("embedded files: %" PRIu64 " entries, more than 2^32", tree->count);
    struct layout layout = {.order = calloc(tree->count, sizeof *layout.order)};
    if (layout.order == NULL)
        return report("embedded files: out of memory");
    layout.names_offset = ENTRIES_OFFSET + tree->count * sizeof(struct kiln_files_entry);
    order_breadth_first(tree, &layout);
    int rc = place_names(&layout) == 0 && place_data(&layout) == 0 ? 0 : -1;
    if (rc == 0)
        blob->bytes = calloc(1, layout.size);
    if (rc == 0 && blob->bytes == NULL)
        rc = report("embedded files: out of memory for %" PRIu64 " bytes", layout.size);
    if (rc == 0) {
        fill(&layout, blob->bytes);
        blob->size = layout.size;
    }
    free(layout.order);
    return rc;
}

void files_blob_free(struct files_blob *blob)
{
    free(blob->bytes);
    *blob = (struct files_blob){0};
}
