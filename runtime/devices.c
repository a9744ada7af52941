#define _GNU_SOURCE
#include "devices.h"
#include "boot_info.h"
#include "bytes.h"
#include "console.h"
#include "fs_file.h"
#include "fs_names.h"
#include "iov.h"
#include "layer_files.h"
#include "random.h"
#include <errno.h>
#include <sys/stat.h>

#define DEVICE_MODE        (S_IFCHR | 0666)
#define STREAM_MODE        (S_IFCHR | 0620)
#define DEVICE_ID(maj, mi) ((uint64_t)(maj) << 8 | (mi)) /* st_rdev as glibc's makedev */
#define TERMINAL_DEVICE    DEVICE_ID(136, 0)

/* A device node's node->device.  A stream (ops NULL) is /dev/stdin and
 * its kind: opening one opens whatever fd stream_fd has, as opening
 * /proc/self/fd/N would, though sharing its position. */
struct device {
    const struct file_ops *ops;
    int stream_fd;
};

static long null_read(struct open_file *file, const struct iovec *iov, int count, uint64_t *pos)
{
    (void)file, (void)iov, (void)count, (void)pos;
    return 0;
}

static long zero_read(struct open_file *file, const struct iovec *iov, int count, uint64_t *pos)
{
    (void)file, (void)pos;
    for (int i = 0; i < count; i++)
        bytes_zero(iov[i].iov_base, iov[i].iov_len);
    return (long)iov_length(iov, count);
}

static long random_read(struct open_file *file, const struct iovec *iov, int count, uint64_t *pos)
{
    (void)file, (void)pos;
    for (int i = 0; i < count; i++)
        kiln_random_fill(iov[i].iov_base, iov[i].iov_len);
    return (long)iov_length(iov, count);
}

/* Writes to every device here are taken and dropped. */
static long sink_write(struct open_file *file, const struct iovec *iov, int count, uint64_t *pos)
{
    (void)file, (void)pos;
    return (long)iov_length(iov, count);
}

/* As Linux's null_lseek and noop_llseek: nowhere to go. */
static long device_seek(struct open_file *file, int64_t offset, int whence)
{
    (void)offset, (void)whence;
    return (long)(file->pos = 0);
}

#define DEVICE_OPS(read_op)                                                                        \
    {                                                                                              \
        .read = read_op, .write = sink_write, .stat = layer_stat, .seek = device_seek,             \
        .change = layer_change, .release = layer_release                                           \
    }

static const struct file_ops null_ops = DEVICE_OPS(null_read);
static const struct file_ops zero_ops = DEVICE_OPS(zero_read);
static const struct file_ops random_ops = DEVICE_OPS(random_read);

static const struct device null_device = {.ops = &null_ops};
static const struct device zero_device = {.ops = &zero_ops};
static const struct device random_device = {.ops = &random_ops};
static const struct device streams[CONSOLE_FDS] = {
    {.stream_fd = 0}, {.stream_fd = 1}, {.stream_fd = 2}};

#define MADE_MOUNT 0x1 /* a mount of its own in a container too: opaque */
#define MADE_HOME  0x2 /* what a root volume brings itself: made without one only */

struct made_node {
    const char *path;
    uint32_t mode;
    uint64_t rdev;
    const struct device *device;
    uint32_t flags; /* MADE_* */
};

/* In order: a folder before what it holds. */
static const struct made_node made_nodes[] = {
    {"/tmp", S_IFDIR | 01777, 0, NULL, MADE_HOME},
    {"/root", S_IFDIR | 0700, 0, NULL, MADE_HOME},
    {"/etc", S_IFDIR | 0755, 0, NULL, MADE_HOME},
    {"/dev", S_IFDIR | 0755, 0, NULL, MADE_MOUNT},
    {"/dev/shm", S_IFDIR | 01777, 0, NULL, 0},
    {"/dev/null", DEVICE_MODE, DEVICE_ID(1, 3), &null_device, 0},
    {"/dev/zero", DEVICE_MODE, DEVICE_ID(1, 5), &zero_device, 0},
    {"/dev/random", DEVICE_MODE, DEVICE_ID(1, 8), &random_device, 0},
    {"/dev/urandom", DEVICE_MODE, DEVICE_ID(1, 9), &random_device, 0},
    {"/dev/stdin", STREAM_MODE, TERMINAL_DEVICE, &streams[0], 0},
    {"/dev/stdout", STREAM_MODE, TERMINAL_DEVICE, &streams[1], 0},
    {"/dev/stderr", STREAM_MODE, TERMINAL_DEVICE, &streams[2], 0},
    {"/proc", S_IFDIR | 0555, 0, NULL, MADE_MOUNT},
    {"/proc/self", S_IFDIR | 0555, 0, NULL, 0},
};

static const char passwd[] = "root:x:0:0:root:/root:/bin/sh\n";
static const char group[] = "root:x:0:\n";

static uint32_t text_len(const char *text)
{
    uint32_t len = 0;

    while (text[len])
        len++;
    return len;
}

/* Where path lies in the layer: 0, or -1 beneath a volume or past an
 * error. */
static int find(struct fs *fs, const char *path, struct fs_place *place)
{
    struct fs_where root = {.dir = fs->root, .volume = FS_NO_VOLUME};

    if (fs_walk(fs, &root, path, text_len(path), FS_WALK_NOFOLLOW | FS_WALK_LAYER, place) != 0)
        return -1;
    return place->volume == FS_NO_VOLUME ? 0 : -1;
}

/* Makes path unless something is there (the image's own, say): the new
 * node, or NULL. */
static struct fs_node *make(struct fs *fs, const char *path, uint32_t mode, const char *target,
                            uint32_t target_len)
{
    struct fs_place place;
    struct fs_node *made;

    if (find(fs, path, &place) != 0 || place.node)
        return NULL;
    return fs_make(fs, &place, mode, target, target_len, &made) == 0 ? made : NULL;
}

/* The folder at path, made or the image's, hides the root volume's. */
static void make_opaque(struct fs *fs, const char *path)
{
    struct fs_place place;

    if (find(fs, path, &place) == 0 && place.node && S_ISDIR(place.node->mode))
        place.node->opaque = true;
}

static void make_text_file(struct fs *fs, const char *path, const char *text)
{
    struct fs_node *file =
        fs->root_volume == FS_NO_VOLUME ? make(fs, path, S_IFREG | 0644, NULL, 0) : NULL;

    if (file)
        fs_file_write(fs, file, text, text_len(text), 0);
}

/* /proc/self/exe names the program's path as it was started (AT_EXECFN)
 * when that is absolute, as for a Linux program kiln did not link; a C
 * program has no path of its own in the VM, so "/" and the basename. */
static void make_exe_link(struct fs *fs)
{
    const char *name = (const char *)(uintptr_t)boot_info()->execfn;
    char target[KILN_PATH_MAX];
    uint32_t len = 0;

    if (!name)
        return;
    if (*name != '/') {
        for (const char *at = name; *at; at++)
            if (*at == '/')
                name = at + 1;
        target[len++] = '/';
    }
    while (*name && len < sizeof target)
        target[len++] = *name++;
    if (len > 1 && len < sizeof target)
        make(fs, "/proc/self/exe", S_IFLNK | 0777, target, len);
}

/* Each is made only if missing; one that cannot be made is left out. */
void devices_populate(struct fs *fs)
{
    for (uint32_t i = 0; i < sizeof made_nodes / sizeof made_nodes[0]; i++) {
        const struct made_node *made = &made_nodes[i];
        if ((made->flags & MADE_HOME) && fs->root_volume != FS_NO_VOLUME)
            continue;
        struct fs_node *node = make(fs, made->path, made->mode, NULL, 0);
        if (node && made->device) {
            node->rdev = made->rdev;
            node->device = made->device;
        }
        if (made->flags & MADE_MOUNT)
            make_opaque(fs, made->path);
    }
    make_exe_link(fs);
    make_text_file(fs, "/etc/passwd", passwd);
    make_text_file(fs, "/etc/group", group);
}

long devices_open(struct fs_node *node, uint32_t flags, struct open_file **file)
{
    const struct device *device = node->device;

    if (device->ops) {
        *file = layer_file_new(device->ops, node, flags);
        return *file ? 0 : -ENOMEM;
    }
    *file = fd_file(device->stream_fd);
    if (!*file)
        return -ENOENT;
    open_file_hold(*file);
    return 0;
}
