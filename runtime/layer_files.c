#define _GNU_SOURCE
#include "layer_files.h"
#include "clock.h"
#include "devices.h"
#include "embedded_pages.h"
#include "files.h"
#include "fs_file.h"
#include "iov.h"
#include "min_max.h"
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

struct open_file *layer_file_new(const struct file_ops *ops, struct fs_node *node, uint32_t flags)
{
    struct open_file *file = open_file_new(ops, flags);

    if (file) {
        file->layer.node = node;
        fs_node_hold(node);
    }
    return file;
}

long layer_stat(struct open_file *file, struct fs_stat *st)
{
    fs_node_stat(file->layer.node, st);
    return 0;
}

long layer_where(struct open_file *file, struct fs_where *where)
{
    struct fs_node *node = file->layer.node;

    if (!S_ISDIR(node->mode))
        return -ENOTDIR;
    *where = (struct fs_where){.dir = node, .volume = FS_NO_VOLUME};
    return 0;
}

static int64_t time_of(int64_t requested, int64_t old, int64_t now)
{
    if (requested == KILN_TIME_NOW)
        return now;
    return requested == KILN_TIME_OMIT ? old : requested;
}

void layer_apply_change(struct fs_node *node, const struct file_change *change)
{
    int64_t now = kiln_clock_realtime_ns();

    if (change->mode_set)
        node->mode = (node->mode & S_IFMT) | (change->mode & 07777);
    if (change->times_set) {
        node->atime_ns = time_of(change->atime_ns, node->atime_ns, now);
        node->mtime_ns = time_of(change->mtime_ns, node->mtime_ns, now);
    }
    node->ctime_ns = now;
}

long layer_change(struct open_file *file, const struct file_change *change)
{
    layer_apply_change(file->layer.node, change);
    return 0;
}

void layer_release(struct open_file *file)
{
    fs_node_release(kiln_fs(), file->layer.node);
    open_file_free(file);
}

static int64_t read_piece(void *node, void *buf, uint64_t len, uint64_t pos)
{
    const struct fs_node *file = node;
    const char *bytes = fs_file_image_bytes(kiln_fs(), file);
    if (bytes && pos < file->size)
        embedded_pages_want(bytes + pos, min_u64(len, file->size - pos), file->size);
    return (int64_t)fs_file_read(kiln_fs(), node, buf, len, pos);
}

static int64_t write_piece(void *node, void *buf, uint64_t len, uint64_t pos)
{
    return fs_file_write(kiln_fs(), node, buf, len, pos);
}

static long file_read(struct open_file *file, const struct iovec *iov, int count, uint64_t *pos)
{
    long done = iov_each(iov, count, *pos, read_piece, file->layer.node);

    *pos += (uint64_t)done;
    return done;
}

static long file_write(struct open_file *file, const struct iovec *iov, int count, uint64_t *pos)
{
    if (file->flags & O_APPEND)
        *pos = file->layer.node->size;
    long done = iov_each(iov, count, *pos, write_piece, file->layer.node);
    if (done > 0)
        *pos += (uint64_t)done;
    return done;
}

static long file_seek(struct open_file *file, int64_t offset, int whence)
{
    const struct fs_node *node = file->layer.node;

    if (whence != SEEK_DATA && whence != SEEK_HOLE)
        return open_file_seek(file, offset, whence, node->size);
    if (offset < 0)
        return -ENXIO;
    int64_t at = fs_file_seek_data(node, (uint64_t)offset, whence == SEEK_HOLE);
    if (at >= 0)
        file->pos = (uint64_t)at;
    return at;
}

static long file_truncate(struct open_file *file, uint64_t size)
{
    return fs_file_truncate(kiln_fs(), file->layer.node, size);
}

/* Every write is already where any read finds it. */
static long file_sync(struct open_file *file)
{
    (void)file;
    return 0;
}

static const struct file_ops regular_ops = {
    .read = file_read,
    .write = file_write,
    .stat = layer_stat,
    .seek = file_seek,
    .truncate = file_truncate,
    .sync = file_sync,
    .change = layer_change,
    .release = layer_release,
};

const char *layer_image_bytes(const struct open_file *file)
{
    return file->ops == &regular_ops ? fs_file_image_bytes(kiln_fs(), file->layer.node) : NULL;
}

/* O_PATH: a name to stat, start from or fchdir to, nothing more. */
static const struct file_ops path_ops = {
    .stat = layer_stat,
    .change = layer_change,
    .where = layer_where,
    .release = layer_release,
};

static const struct file_ops *ops_for(const struct fs_node *node, uint32_t flags)
{
    if (flags & O_PATH)
        return &path_ops;
    if (S_ISDIR(node->mode))
        return &layer_folder_ops;
    return &regular_ops;
}

/* What Linux refuses before it opens anything (fs/namei.c, do_open). */
static long check_open(const struct fs_node *node, uint32_t flags)
{
    uint32_t access = flags & O_ACCMODE;

    if (flags & O_PATH)
        return (flags & O_DIRECTORY) && !S_ISDIR(node->mode) ? -ENOTDIR : 0;
    if (S_ISLNK(node->mode))
        return -ELOOP;
    if (S_ISDIR(node->mode))
        return access != O_RDONLY || (flags & O_CREAT) ? -EISDIR : 0;
    return flags & O_DIRECTORY ? -ENOTDIR : 0;
}

long layer_open(struct fs *fs, struct fs_node *node, uint32_t flags, struct open_file **file)
{
    long err = check_open(node, flags);

    if (err)
        return err;
    if (S_ISCHR(node->mode) && !(flags & O_PATH))
        return devices_open(node, flags, file);
    /* Linux truncates on O_RDONLY | O_TRUNC too. */
    if (S_ISREG(node->mode) && (flags & O_TRUNC) && !(flags & O_PATH)) {
        err = fs_file_truncate(fs, node, 0);
        if (err)
            return err;
    }
    *file = layer_file_new(ops_for(node, flags), node, flags);
    return *file ? 0 : -ENOMEM;
}
