/*
 * getdents64 on a folder of the layer: ".", "..", then the names in byte
 * order.  The position counts the records given; the next call goes on
 * after the last name given, so a program that unlinks what it has read
 * (rm -r) misses nothing.  lseek to a position d_off gave starts from
 * that count instead.
 */
#define _GNU_SOURCE
#include "bytes.h"
#include "files.h"
#include "fs_folder.h"
#include "layer_files.h"
#include <dirent.h>
#include <errno.h>
#include <stddef.h>
#include <sys/stat.h>
#include <unistd.h>

#define DOT_RECORDS 2 /* "." and ".." come first */

/* The last name getdents gave since the position was set. */
struct dir_cursor {
    uint8_t len;
    char name[FS_NAME_MAX];
};

/* Linux's struct linux_dirent64. */
struct dirent_record {
    uint64_t ino;
    int64_t off;
    uint16_t reclen;
    uint8_t type;
    char name[];
};

struct dirent_buffer {
    char *at;
    uint64_t left;
    uint64_t used;
};

static uint64_t record_size(uint32_t name_len)
{
    return (offsetof(struct dirent_record, name) + name_len + 1 + 7) & ~7ull;
}

/* Appends a record if it fits. */
static bool put(struct dirent_buffer *out, const struct fs_folder_item *item, uint64_t next)
{
    uint64_t size = record_size(item->name_len);

    if (size > out->left)
        return false;
    struct dirent_record *record = (struct dirent_record *)(out->at + out->used);
    record->ino = item->ino;
    record->off = (int64_t)next;
    record->reclen = (uint16_t)size;
    record->type = (uint8_t)IFTODT(item->mode);
    bytes_copy(record->name, item->name, item->name_len);
    bytes_zero(record->name + item->name_len,
               size - offsetof(struct dirent_record, name) - item->name_len);
    out->used += size;
    out->left -= size;
    return true;
}

/* Position 0 is "." (the first byte of ".."), 1 is "..". */
static void dot_item(const struct fs_node *dir, uint64_t position, struct fs_folder_item *item)
{
    const struct fs_node *node = position == 0 ? dir : dir->parent;

    *item = (struct fs_folder_item){
        .name = "..", .name_len = (uint32_t)position + 1, .mode = node->mode, .ino = node->ino};
}

/* The child position the next record comes from: after the last name
 * given, or (none given since the position was set) from the position. */
static uint64_t next_child(const struct fs *fs, const struct open_file *file)
{
    const struct dir_cursor *cursor = file->layer.cursor;

    if (cursor->len == 0)
        return file->pos - DOT_RECORDS;
    return fs_folder_position_after(fs, file->layer.node, cursor->name, cursor->len);
}

static void remember(struct dir_cursor *cursor, const struct fs_folder_item *item)
{
    cursor->len = (uint8_t)item->name_len;
    bytes_copy(cursor->name, item->name, item->name_len);
}

static long folder_getdents(struct open_file *file, void *buf, uint64_t len)
{
    struct fs *fs = kiln_fs();
    const struct fs_node *dir = file->layer.node;
    struct dirent_buffer out = {.at = buf, .left = len, .used = 0};
    struct fs_folder_item item;

    if (dir->nlink == 0)
        return -ENOENT;
    if (!file->layer.cursor) {
        file->layer.cursor = fs_alloc(&fs->heap, sizeof *file->layer.cursor);
        if (!file->layer.cursor)
            return -ENOMEM;
    }
    for (; file->pos < DOT_RECORDS; file->pos++) {
        dot_item(dir, file->pos, &item);
        if (!put(&out, &item, file->pos + 1))
            return out.used > 0 ? (long)out.used : -EINVAL;
    }
    for (uint64_t child = next_child(fs, file); fs_folder_item_at(fs, dir, child, &item); child++) {
        if (!put(&out, &item, file->pos + 1))
            return out.used > 0 ? (long)out.used : -EINVAL;
        remember(file->layer.cursor, &item);
        file->pos++;
    }
    return (long)out.used;
}

/* SEEK_SET to a position d_off gave, or SEEK_CUR by 0 (telldir). */
static long folder_seek(struct open_file *file, int64_t offset, int whence)
{
    if (whence == SEEK_CUR && offset == 0)
        return (long)file->pos;
    if (whence != SEEK_SET || offset < 0)
        return -EINVAL;
    file->pos = (uint64_t)offset;
    if (file->layer.cursor)
        file->layer.cursor->len = 0;
    return offset;
}

static long folder_read(struct open_file *file, const struct iovec *iov, int count, uint64_t *pos)
{
    (void)file, (void)iov, (void)count, (void)pos;
    return -EISDIR;
}

static void folder_release(struct open_file *file)
{
    fs_free(&kiln_fs()->heap, file->layer.cursor, sizeof *file->layer.cursor);
    layer_release(file);
}

const struct file_ops layer_folder_ops = {
    .read = folder_read,
    .stat = layer_stat,
    .seek = folder_seek,
    .getdents = folder_getdents,
    .change = layer_change,
    .where = layer_where,
    .release = folder_release,
};
