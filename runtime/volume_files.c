#define _GNU_SOURCE
#include "volume_files.h"
#include "bytes.h"
#include "files.h"
#include "hypercall.h"
#include "iov.h"
#include "volume.h"
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

static long handle_stat(const struct open_file *file, struct kiln_stat *st)
{
    return hypercall_stat(0, file->volume.handle, KILN_STAT_HANDLE, NULL, 0, st);
}

/* A small vector in one exit through the bounce buffer. */
static long transfer_bounced(const struct open_file *file, uint32_t nr, const struct iovec *iov,
                             int count, uint64_t total, uint64_t *pos)
{
    if (nr == KILN_HC_PWRITE)
        iov_gather(iov_bounce(), iov, count);
    int64_t done = hypercall_file_io(nr, file->volume.handle, iov_bounce(), total, *pos);
    if (done > 0 && nr == KILN_HC_PREAD)
        iov_scatter(iov, count, iov_bounce(), (uint64_t)done);
    if (done > 0)
        *pos += (uint64_t)done;
    return done;
}

static int64_t read_piece(void *file, void *buf, uint64_t len, uint64_t pos)
{
    const struct open_file *open = file;
    return hypercall_file_io(KILN_HC_PREAD, open->volume.handle, buf, len, pos);
}

static int64_t write_piece(void *file, void *buf, uint64_t len, uint64_t pos)
{
    const struct open_file *open = file;
    return hypercall_file_io(KILN_HC_PWRITE, open->volume.handle, buf, len, pos);
}

/* PREAD or PWRITE (nr): one exit a piece, stopping at a short one. */
static long transfer(struct open_file *file, uint32_t nr, const struct iovec *iov, int count,
                     uint64_t *pos)
{
    uint64_t total = iov_length(iov, count);

    if (count > 1 && total <= IOV_BOUNCE_SIZE)
        return transfer_bounced(file, nr, iov, count, total, pos);
    long done = iov_each(iov, count, *pos, nr == KILN_HC_PREAD ? read_piece : write_piece, file);
    if (done > 0)
        *pos += (uint64_t)done;
    return done;
}

static long volume_read(struct open_file *file, const struct iovec *iov, int count, uint64_t *pos)
{
    return transfer(file, KILN_HC_PREAD, iov, count, pos);
}

/* O_APPEND: the end as the host has it now. */
static long volume_write(struct open_file *file, const struct iovec *iov, int count, uint64_t *pos)
{
    struct kiln_stat st;

    if (file->flags & O_APPEND) {
        long err = handle_stat(file, &st);
        if (err)
            return err;
        *pos = st.size;
    }
    return transfer(file, KILN_HC_PWRITE, iov, count, pos);
}

static long volume_file_stat(struct open_file *file, struct fs_stat *st)
{
    struct kiln_stat answer;
    long err = handle_stat(file, &answer);

    if (err == 0)
        volume_stat_of(&answer, file->volume.volume, st);
    return err;
}

/* A listed folder rewinds on the host; the end needs the host's size. */
static long volume_seek(struct open_file *file, int64_t offset, int whence)
{
    struct kiln_stat st = {.size = 0};

    if (file->volume.listed) {
        if (whence != SEEK_SET || offset != 0)
            return -EINVAL;
        long err = hypercall_file(file->volume.handle, KILN_FILE_REWIND, 0);
        return err ? err : (long)(file->pos = 0);
    }
    if (whence == SEEK_END || whence == SEEK_DATA || whence == SEEK_HOLE) {
        long err = handle_stat(file, &st);
        if (err)
            return err;
    }
    return open_file_seek(file, offset, whence, st.size);
}

static long volume_getdents(struct open_file *file, void *buf, uint64_t len)
{
    file->volume.listed = true;
    return hypercall_dirents(file->volume.handle, buf, len);
}

static long volume_truncate(struct open_file *file, uint64_t size)
{
    return hypercall_file(file->volume.handle, KILN_FILE_TRUNCATE, size);
}

static long volume_sync(struct open_file *file)
{
    return hypercall_file(file->volume.handle, KILN_FILE_SYNC, 0);
}

/* Only here does it matter whether the handle is a folder: ask then. */
static long volume_where(struct open_file *file, struct fs_where *where)
{
    struct kiln_stat st;
    long err = handle_stat(file, &st);

    if (err)
        return err;
    if (!S_ISDIR(st.mode))
        return -ENOTDIR;
    *where = (struct fs_where){.volume = (int32_t)file->volume.volume,
                               .path = file->volume.path,
                               .path_len = file->volume.path_len};
    return 0;
}

static long volume_file_change(struct open_file *file, const struct file_change *change)
{
    return volume_change((int32_t)file->volume.volume, file->volume.path, file->volume.path_len,
                         change, false);
}

static void volume_release(struct open_file *file)
{
    hypercall_close(file->volume.handle);
    fs_free(&kiln_fs()->heap, file->volume.path, file->volume.path_len);
    open_file_free(file);
}

static const struct file_ops volume_ops = {
    .read = volume_read,
    .write = volume_write,
    .stat = volume_file_stat,
    .seek = volume_seek,
    .getdents = volume_getdents,
    .truncate = volume_truncate,
    .sync = volume_sync,
    .change = volume_file_change,
    .where = volume_where,
    .release = volume_release,
};

struct open_file *volume_file_new(uint32_t volume, uint32_t handle, uint32_t flags,
                                  const char *path, uint32_t path_len)
{
    struct open_file *file = open_file_new(&volume_ops, flags);
    char *copy = file ? fs_alloc(&kiln_fs()->heap, path_len) : NULL;

    if (!copy) {
        if (file)
            open_file_free(file);
        return NULL;
    }
    bytes_copy(copy, path, path_len);
    file->volume.volume = volume;
    file->volume.handle = handle;
    file->volume.path = copy;
    file->volume.path_len = path_len;
    return file;
}
