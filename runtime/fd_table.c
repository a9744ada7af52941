#define _GNU_SOURCE
#include "fd_table.h"
#include "console.h"
#include "epoll.h"
#include "files.h"
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#define BITS_PER_WORD 64
/* The anonymous inode's: S_IRUSR | S_IWUSR and no type bits. */
#define ANON_MODE 0600
/* What open acts on and F_GETFL no longer shows, as on Linux. */
#define OPEN_ONLY_FLAGS (O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_CLOEXEC)

struct fd_table {
    bool ready;
    struct open_file *files[FD_LIMIT];
    uint64_t cloexec[FD_LIMIT / BITS_PER_WORD];
};

/* fds 0-2 are the console until the program says otherwise; no file call
 * is needed to write to them. */
static struct fd_table *table_get(void)
{
    static struct fd_table table;

    if (!table.ready) {
        for (int fd = 0; fd < CONSOLE_FDS; fd++)
            table.files[fd] = console_file(fd);
        table.ready = true;
    }
    return &table;
}

struct open_file *open_file_new(const struct file_ops *ops, uint32_t flags)
{
    struct fs *fs = kiln_fs();
    struct open_file *file = fs ? fs_alloc(&fs->heap, sizeof *file) : NULL;

    if (!file)
        return NULL;
    file->ops = ops;
    file->refs = 1;
    file->flags = flags & ~(uint32_t)OPEN_ONLY_FLAGS;
    return file;
}

/* Open files exist only once the layer does: kiln_fs() is ready. */
void open_file_free(struct open_file *file)
{
    fs_free(&kiln_fs()->heap, file, sizeof *file);
}

void open_file_hold(struct open_file *file)
{
    file->refs++;
}

/* Linux takes a file out of every epoll set when its last reference
 * goes, not at each close. */
void open_file_release(struct open_file *file)
{
    if (--file->refs > 0)
        return;
    if (file->watchers)
        epoll_forget(file);
    file->ops->release(file);
}

long open_file_anon_stat(struct open_file *file, struct fs_stat *st)
{
    (void)file;
    *st = (struct fs_stat){.nlink = 1, .mode = ANON_MODE, .blksize = FS_PAGE_SIZE};
    return 0;
}

long open_file_seek(struct open_file *file, int64_t offset, int whence, uint64_t size)
{
    int64_t base;

    switch (whence) {
    case SEEK_SET:
        base = 0;
        break;
    case SEEK_CUR:
        base = (int64_t)file->pos;
        break;
    case SEEK_END:
        base = (int64_t)size;
        break;
    case SEEK_DATA:
    case SEEK_HOLE:
        /* No holes: data where asked, the one hole at the end. */
        if (offset < 0 || (uint64_t)offset >= size)
            return -ENXIO;
        file->pos = whence == SEEK_DATA ? (uint64_t)offset : size;
        return (long)file->pos;
    default:
        return -EINVAL;
    }
    if ((offset > 0 && base > INT64_MAX - offset) || base + offset < 0)
        return offset > 0 ? -EOVERFLOW : -EINVAL;
    file->pos = (uint64_t)(base + offset);
    return (long)file->pos;
}

static bool fd_valid(int fd)
{
    return fd >= 0 && fd < FD_LIMIT;
}

struct open_file *fd_file(int fd)
{
    return fd_valid(fd) ? table_get()->files[fd] : NULL;
}

bool fd_room(void)
{
    struct fd_table *table = table_get();

    for (int fd = 0; fd < FD_LIMIT; fd++)
        if (!table->files[fd])
            return true;
    return false;
}

void fd_set_cloexec(int fd, bool cloexec)
{
    uint64_t bit = 1ull << (fd % BITS_PER_WORD);
    uint64_t *word = &table_get()->cloexec[fd / BITS_PER_WORD];

    *word = cloexec ? *word | bit : *word & ~bit;
}

bool fd_cloexec(int fd)
{
    return table_get()->cloexec[fd / BITS_PER_WORD] >> (fd % BITS_PER_WORD) & 1;
}

int fd_install(struct open_file *file, int lowest, bool cloexec)
{
    struct fd_table *table = table_get();

    for (int fd = lowest < 0 ? 0 : lowest; fd < FD_LIMIT; fd++) {
        if (!table->files[fd]) {
            fd_install_at(fd, file, cloexec);
            return fd;
        }
    }
    open_file_release(file);
    return -EMFILE;
}

void fd_install_at(int fd, struct open_file *file, bool cloexec)
{
    struct fd_table *table = table_get();
    struct open_file *old = table->files[fd];

    table->files[fd] = file;
    fd_set_cloexec(fd, cloexec);
    if (old)
        open_file_release(old);
}

int fd_close(int fd)
{
    struct open_file *file = fd_file(fd);

    if (!file)
        return -EBADF;
    table_get()->files[fd] = NULL;
    open_file_release(file);
    return 0;
}
