/*
 * getdents64 on a folder of the layer: ".", "..", then the names in byte
 * order, then, where the root volume shows through (fs_walk.h), the names
 * of its folder beneath that the layer lacks, in the host's order.  The
 * position counts the records given; the next call goes on after the
 * last name given, so a program that unlinks what it has read (rm -r)
 * misses nothing.  lseek to a position d_off gave starts from that count
 * instead.
 */
#define _GNU_SOURCE
#include "bytes.h"
#include "files.h"
#include "fs_folder.h"
#include "hypercall.h"
#include "layer_files.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <sys/stat.h>
#include <unistd.h>

#define DOT_RECORDS 2 /* "." and ".." come first */

/* The last name getdents gave since the position was set, and the root
 * volume's folder beneath, open while its names are being given. */
struct dir_cursor {
    uint8_t len;
    char name[FS_NAME_MAX];
    uint32_t below;       /* 1 + its handle, or 0 */
    bool below_done;      /* given to its end, or there is none */
    uint64_t below_start; /* the position of its first record; 0: not reached */
    uint64_t below_skip;  /* its records a seek passed over */
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

static bool is_dot_name(const char *name, uint32_t len)
{
    return (len == 1 || len == 2) && name[0] == '.' && name[len - 1] == '.';
}

/* Keeps, of the host's records in out's free room (got bytes), those the
 * layer's folder does not name, moved together and numbered as the
 * layer's are: the bytes kept. */
static uint64_t keep_below(const struct fs *fs, struct open_file *file, char *at, uint64_t got)
{
    struct dir_cursor *cursor = file->layer.cursor;
    uint64_t kept = 0;

    for (uint64_t next = 0; next + offsetof(struct dirent_record, name) < got;) {
        struct dirent_record *record = (struct dirent_record *)(at + next);
        uint16_t size = record->reclen;
        if (size <= offsetof(struct dirent_record, name) || size > got - next)
            break;
        next += size;
        uint32_t name_len = 0;
        while (name_len < size - offsetof(struct dirent_record, name) - 1 && record->name[name_len])
            name_len++;
        if (is_dot_name(record->name, name_len) ||
            fs_folder_has(fs, file->layer.node, record->name, name_len))
            continue;
        if (cursor->below_skip > 0) {
            cursor->below_skip--;
            continue;
        }
        record->off = (int64_t)++file->pos;
        bytes_move(at + kept, record, size);
        kept += size;
    }
    return kept;
}

static void close_below(struct dir_cursor *cursor)
{
    if (cursor->below)
        hypercall_close(cursor->below - 1);
    cursor->below = 0;
}

/* The root volume's folder beneath dir, if it shows through and the host
 * has one: 0, or -errno for a folder with nothing beneath. */
static long open_below(struct fs *fs, const struct fs_node *dir, struct dir_cursor *cursor)
{
    char path[KILN_PATH_MAX];
    int len = fs_shows_root_volume(fs, dir) ? fs_folder_path(fs, dir, path, sizeof path) : -ENOENT;
    int64_t handle = len < 0 ? len
                             : hypercall_open((uint32_t)fs->root_volume, path, (uint64_t)len,
                                              O_RDONLY | O_DIRECTORY, 0);

    if (handle < 0)
        return handle;
    cursor->below = (uint32_t)handle + 1;
    return 0;
}

/* After the layer's names, those of the root volume's folder beneath. */
static long list_below(struct fs *fs, struct open_file *file, struct dirent_buffer *out)
{
    struct dir_cursor *cursor = file->layer.cursor;

    if (!cursor->below && !cursor->below_done) {
        cursor->below_done = open_below(fs, file->layer.node, cursor) != 0;
        cursor->below_start = file->pos - cursor->below_skip;
    }
    while (cursor->below) {
        int64_t got = hypercall_dirents(cursor->below - 1, out->at + out->used, out->left);
        if (got < 0)
            return out->used > 0 ? (long)out->used : got;
        if (got == 0) {
            close_below(cursor);
            cursor->below_done = true;
            break;
        }
        uint64_t kept = keep_below(fs, file, out->at + out->used, (uint64_t)got);
        out->used += kept;
        out->left -= kept;
        if (kept > 0)
            break;
    }
    return (long)out->used;
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
    return list_below(fs, file, &out);
}

/* SEEK_SET to a position d_off gave, or SEEK_CUR by 0 (telldir). */
static long folder_seek(struct open_file *file, int64_t offset, int whence)
{
    if (whence == SEEK_CUR && offset == 0)
        return (long)file->pos;
    if (whence != SEEK_SET || offset < 0)
        return -EINVAL;
    struct dir_cursor *cursor = file->layer.cursor;
    file->pos = (uint64_t)offset;
    if (cursor) {
        cursor->len = 0;
        bool into_below = cursor->below_start > 0 && file->pos > cursor->below_start;
        cursor->below_skip = into_below ? file->pos - cursor->below_start : 0;
        close_below(cursor);
        cursor->below_done = false;
    }
    return offset;
}

static long folder_read(struct open_file *file, const struct iovec *iov, int count, uint64_t *pos)
{
    (void)file, (void)iov, (void)count, (void)pos;
    return -EISDIR;
}

static void folder_release(struct open_file *file)
{
    if (file->layer.cursor)
        close_below(file->layer.cursor);
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
