#define _GNU_SOURCE
#include "fs_file.h"
#include "bytes.h"
#include "min_max.h"
#include <errno.h>

#define PAGE FS_PAGE_SIZE

static uint8_t *page_at(const struct fs_data *data, uint64_t index)
{
    return index < data->page_slots ? data->pages[index] : NULL;
}

/* Slots for pages [0, slots), doubling. */
static int reserve_slots(struct fs *fs, struct fs_data *data, uint64_t slots)
{
    uint64_t capacity = data->page_slots ? data->page_slots : 1;

    if (slots <= data->page_slots)
        return 0;
    while (capacity < slots)
        capacity *= 2;
    uint8_t **pages = fs_alloc(&fs->heap, capacity * sizeof *pages);
    if (!pages)
        return -ENOSPC;
    bytes_copy(pages, data->pages, data->page_slots * sizeof *pages);
    fs_free(&fs->heap, data->pages, data->page_slots * sizeof *pages);
    data->pages = pages;
    data->page_slots = capacity;
    return 0;
}

static void free_data(struct fs *fs, struct fs_data *data)
{
    for (uint64_t i = 0; i < data->page_slots; i++)
        fs_free(&fs->heap, data->pages[i], PAGE);
    fs_free(&fs->heap, data->pages, data->page_slots * sizeof *data->pages);
}

/* Moves the first keep bytes of an embedded file into memory. */
static int copy_up(struct fs *fs, struct fs_node *node, uint64_t keep)
{
    struct fs_data data = {.pages = NULL};

    if (node->in_memory)
        return 0;
    const char *bytes = embedded_data(&fs->tree, node->entry);
    uint64_t size = bytes ? min_u64(node->size, keep) : 0;
    uint64_t slots = (size + PAGE - 1) / PAGE;
    if (reserve_slots(fs, &data, slots) != 0)
        return -ENOSPC;
    for (uint64_t i = 0; i < slots; i++) {
        data.pages[i] = fs_alloc(&fs->heap, PAGE);
        if (!data.pages[i]) {
            free_data(fs, &data);
            return -ENOSPC;
        }
        bytes_copy(data.pages[i], bytes + i * PAGE, min_u64(PAGE, size - i * PAGE));
        data.pages_used++;
    }
    node->data = data;
    node->size = size;
    node->in_memory = true;
    return 0;
}

const char *fs_file_image_bytes(const struct fs *fs, const struct fs_node *node)
{
    return node->in_memory ? NULL : embedded_data(&fs->tree, node->entry);
}

uint64_t fs_file_read(const struct fs *fs, const struct fs_node *node, void *buf, uint64_t len,
                      uint64_t pos)
{
    uint8_t *out = buf;

    if (pos >= node->size)
        return 0;
    len = min_u64(len, node->size - pos);
    if (!node->in_memory) {
        const char *bytes = embedded_data(&fs->tree, node->entry);
        if (!bytes)
            return 0;
        bytes_copy(out, bytes + pos, len);
        return len;
    }
    for (uint64_t done = 0; done < len;) {
        uint64_t at = pos + done;
        uint64_t piece = min_u64(PAGE - at % PAGE, len - done);
        const uint8_t *page = page_at(&node->data, at / PAGE);
        if (page)
            bytes_copy(out + done, page + at % PAGE, piece);
        else
            bytes_zero(out + done, piece);
        done += piece;
    }
    return len;
}

int64_t fs_file_write(struct fs *fs, struct fs_node *node, const void *buf, uint64_t len,
                      uint64_t pos)
{
    const uint8_t *in = buf;
    uint64_t done = 0;

    if (pos >= FS_FILE_SIZE_MAX)
        return -EFBIG;
    len = min_u64(len, FS_FILE_SIZE_MAX - pos);
    if (len == 0)
        return 0;
    if (copy_up(fs, node, UINT64_MAX) != 0 ||
        reserve_slots(fs, &node->data, (pos + len + PAGE - 1) / PAGE) != 0)
        return -ENOSPC;
    while (done < len) {
        uint64_t at = pos + done;
        uint64_t piece = min_u64(PAGE - at % PAGE, len - done);
        uint8_t **page = &node->data.pages[at / PAGE];
        if (!*page) {
            *page = fs_alloc(&fs->heap, PAGE);
            if (!*page)
                break;
            node->data.pages_used++;
        }
        bytes_copy(*page + at % PAGE, in + done, piece);
        done += piece;
    }
    if (done == 0)
        return -ENOSPC;
    if (pos + done > node->size)
        node->size = pos + done;
    fs_node_modified(node);
    return (int64_t)done;
}

/* Frees the pages past size and zeroes the tail of the last one, so that
 * growing the file again reads zeros there. */
static void drop_after(struct fs *fs, struct fs_data *data, uint64_t size)
{
    uint64_t keep = (size + PAGE - 1) / PAGE;

    for (uint64_t i = keep; i < data->page_slots; i++) {
        if (data->pages[i]) {
            fs_free(&fs->heap, data->pages[i], PAGE);
            data->pages[i] = NULL;
            data->pages_used--;
        }
    }
    uint8_t *last = size % PAGE ? page_at(data, keep - 1) : NULL;
    if (last)
        bytes_zero(last + size % PAGE, PAGE - size % PAGE);
}

int fs_file_truncate(struct fs *fs, struct fs_node *node, uint64_t size)
{
    if (size > FS_FILE_SIZE_MAX)
        return -EFBIG;
    int err = copy_up(fs, node, size);
    if (err)
        return err;
    if (size < node->size)
        drop_after(fs, &node->data, size);
    node->size = size;
    fs_node_modified(node);
    return 0;
}

/* Holes are whole missing pages; an embedded file has none. */
int64_t fs_file_seek_data(const struct fs_node *node, uint64_t pos, bool hole)
{
    if (pos >= node->size)
        return -ENXIO;
    if (!node->in_memory)
        return hole ? (int64_t)node->size : (int64_t)pos;
    for (uint64_t index = pos / PAGE; index * PAGE < node->size; index++) {
        if ((page_at(&node->data, index) == NULL) == hole) {
            uint64_t at = index * PAGE > pos ? index * PAGE : pos;
            return (int64_t)min_u64(at, node->size);
        }
    }
    return hole ? (int64_t)node->size : -ENXIO;
}

void fs_file_free(struct fs *fs, struct fs_node *node)
{
    free_data(fs, &node->data);
}
