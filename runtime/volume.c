#define _GNU_SOURCE
#include "volume.h"
#include "boot_info.h"
#include "fs_names.h"
#include "hypercall.h"
#include "user_range.h"
#include "volume_files.h"
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>

#define VOLUME_DEVICE_BASE 0x100 /* st_dev of volume n: this + n */
#define VOLUME_BLOCK_SIZE  4096
#define MADE_FOLDER_MODE   0755
#define MEMORY_FOLDER_MODE 01777 /* a tmpfs's own folder, as mount -t tmpfs makes it */

static const struct kiln_volume_table *volume_table(void)
{
    const struct kiln_volume_table *table =
        (const struct kiln_volume_table *)(uintptr_t)boot_info()->volumes;

    return table && user_range_ok(table, sizeof *table) ? table : NULL;
}

/* A path of the table: absolute, in guest memory, shorter than a path. */
static bool table_path_ok(uint64_t path, uint32_t len)
{
    const char *text = (const char *)(uintptr_t)path;
    return len > 0 && len < KILN_PATH_MAX && user_range_ok(text, len) && text[0] == '/';
}

static void set_workdir(struct fs *fs, const char *path, uint32_t len)
{
    struct fs_place place;
    struct fs_where root = {.dir = fs->root, .volume = FS_NO_VOLUME};
    struct fs_node *folder;

    if (fs_walk(fs, &root, path, len, 0, &place) == 0 && place.volume != FS_NO_VOLUME) {
        fs_set_cwd_volume(fs, place.volume, place.path, place.path_len);
        return;
    }
    if (fs_make_folders(fs, path, len, MADE_FOLDER_MODE, &folder) == 0)
        fs_set_cwd_dir(fs, folder);
}

/* An empty folder over whatever the layer has at path: its parent made,
 * then the last name replaced. */
static void mount_memory(struct fs *fs, const char *path, uint32_t len)
{
    struct fs_where root = {.dir = fs->root, .volume = FS_NO_VOLUME};
    struct fs_place place;
    struct fs_node *folder;
    uint32_t parent_len = len;

    while (path[parent_len - 1] != '/')
        parent_len--;
    if (fs_make_folders(fs, path, parent_len, MADE_FOLDER_MODE, &folder) == 0 &&
        fs_walk(fs, &root, path, len, FS_WALK_LAST | FS_WALK_LAYER, &place) == 0 &&
        place.volume == FS_NO_VOLUME &&
        fs_mount_folder(fs, &place, MEMORY_FOLDER_MODE, &folder) == 0)
        folder->opaque = true;
}

/* "/" in memory is the layer itself. */
void volumes_mount_first(struct fs *fs)
{
    const struct kiln_volume_table *table = volume_table();

    for (uint32_t i = 0; table && i < table->count && i < KILN_VOLUME_MAX; i++) {
        const struct kiln_volume *volume = &table->volumes[i];
        bool in_memory = volume->flags & KILN_VOLUME_MEMORY;
        if (!table_path_ok(volume->path, volume->path_len))
            continue;
        if (volume->path_len == 1 && !in_memory)
            fs->root_volume = (int32_t)i;
        else if (volume->path_len > 1 && in_memory)
            mount_memory(fs, (const char *)(uintptr_t)volume->path, volume->path_len);
    }
}

/* A volume inside another's folder cannot be marked: the walk never
 * reaches its folder in the layer. */
void volumes_mount(struct fs *fs)
{
    const struct kiln_volume_table *table = volume_table();
    struct fs_node *folder;

    if (!table)
        return;
    for (uint32_t i = 0; i < table->count && i < KILN_VOLUME_MAX; i++) {
        const struct kiln_volume *volume = &table->volumes[i];
        if (table_path_ok(volume->path, volume->path_len) && volume->path_len > 1 &&
            !(volume->flags & KILN_VOLUME_MEMORY) &&
            fs_make_folders(fs, (const char *)(uintptr_t)volume->path, volume->path_len,
                            MADE_FOLDER_MODE, &folder) == 0)
            folder->volume = (uint8_t)(i + 1);
    }
    if (table_path_ok(table->workdir, table->workdir_len))
        set_workdir(fs, (const char *)(uintptr_t)table->workdir, table->workdir_len);
}

bool volume_read_only(int32_t volume)
{
    const struct kiln_volume_table *table = volume_table();
    return table && (table->volumes[volume].flags & KILN_VOLUME_READ_ONLY);
}

/* Only a volume mounted from the table reaches here: its path is good. */
const char *volume_folder(int32_t volume, uint32_t *len)
{
    const struct kiln_volume *entry = &volume_table()->volumes[volume];

    *len = entry->path_len;
    return (const char *)(uintptr_t)entry->path;
}

void volume_stat_of(const struct kiln_stat *in, uint32_t volume, struct fs_stat *st)
{
    *st = (struct fs_stat){
        .dev = VOLUME_DEVICE_BASE + volume,
        .ino = in->ino,
        .nlink = in->nlink,
        .size = in->size,
        .blocks = in->blocks,
        .mode = in->mode,
        .blksize = VOLUME_BLOCK_SIZE,
        .atime_ns = in->atime_ns,
        .mtime_ns = in->mtime_ns,
        .ctime_ns = in->ctime_ns,
    };
}

long volume_stat(const struct fs_place *place, bool nofollow, struct fs_stat *st)
{
    struct kiln_stat answer;
    int64_t err = hypercall_stat((uint32_t)place->volume, 0, nofollow ? KILN_STAT_NOFOLLOW : 0,
                                 place->path, place->path_len, &answer);

    if (err == 0)
        volume_stat_of(&answer, (uint32_t)place->volume, st);
    return err;
}

/* O_CLOEXEC is the fd's and O_LARGEFILE (which musl adds) always so on
 * x86-64: neither means anything to the host. */
long volume_open(const struct fs_place *place, uint32_t flags, uint32_t mode,
                 struct open_file **file)
{
    int64_t handle = hypercall_open((uint32_t)place->volume, place->path, place->path_len,
                                    flags & ~(uint32_t)(O_CLOEXEC | O_LARGEFILE), mode);

    if (handle < 0)
        return handle;
    *file = volume_file_new((uint32_t)place->volume, (uint32_t)handle, flags, place->path,
                            place->path_len);
    if (*file)
        return 0;
    hypercall_close((uint32_t)handle);
    return -ENOMEM;
}

static long path_call(int32_t volume, const char *path, uint32_t path_len,
                      const struct volume_path_call *call)
{
    struct kiln_hc_path args = {
        .op = call->op,
        .volume = (uint32_t)volume,
        .mode = call->mode,
        .flags = call->flags,
        .path = (uint64_t)(uintptr_t)path,
        .path_len = path_len,
        .path2 = (uint64_t)(uintptr_t)call->path2,
        .path2_len = call->path2_len,
        .arg = {call->arg[0], call->arg[1]},
    };
    return hypercall_path(&args);
}

long volume_path(const struct fs_place *place, const struct volume_path_call *call)
{
    return path_call(place->volume, place->path, place->path_len, call);
}

/* A mode and times are two calls: the ABI has one operation for each. */
long volume_change(int32_t volume, const char *path, uint32_t path_len,
                   const struct file_change *change, bool nofollow)
{
    long err = 0;

    if (change->mode_set)
        err = path_call(volume, path, path_len,
                        &(struct volume_path_call){.op = KILN_PATH_CHMOD, .mode = change->mode});
    if (!err && change->times_set)
        err = path_call(volume, path, path_len,
                        &(struct volume_path_call){.op = KILN_PATH_UTIMENS,
                                                   .flags = nofollow ? AT_SYMLINK_NOFOLLOW : 0,
                                                   .arg = {change->atime_ns, change->mtime_ns}});
    return err;
}

long volume_chdir(struct fs *fs, const struct fs_place *place)
{
    struct fs_stat st;
    long err = volume_stat(place, false, &st);

    if (err)
        return err;
    if (!S_ISDIR(st.mode))
        return -ENOTDIR;
    return fs_set_cwd_volume(fs, place->volume, place->path, place->path_len);
}
