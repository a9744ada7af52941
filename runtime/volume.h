/*
 * The volume client: host folders the monitor serves (kiln run -v
 * HOST:GUEST[:ro]).  The walk hands a path beneath a volume's folder over
 * unchanged (struct fs_place: volume and path), and each operation on it
 * is one hypercall; the monitor resolves the path beneath the host folder.
 * Reads and writes go straight between the program's buffer and the host
 * file.  The runtime keeps positions and O_APPEND.
 */
#ifndef KILN_RUNTIME_VOLUME_H
#define KILN_RUNTIME_VOLUME_H

#include "fd_table.h"
#include "fs_walk.h"

/* Before the devices are made (devices.h), which leave the root volume
 * what it brings and go into an in-memory /dev: puts the boot info's root
 * volume, if any, beneath the layer (fs_walk.h), and makes each in-memory
 * volume's folder, empty and opaque, over what the layer had there. */
void volumes_mount_first(struct fs *fs);

/* Marks each host volume's folder in the layer (made if missing) and
 * moves the cwd to the working folder of the boot info's volume table. */
void volumes_mount(struct fs *fs);

/* open(2) beneath a volume: 0 with *file, or -errno. */
long volume_open(const struct fs_place *place, uint32_t flags, uint32_t mode,
                 struct open_file **file);

long volume_stat(const struct fs_place *place, bool nofollow, struct fs_stat *st);

/* A KILN_PATH_* operation on one path (with mode, flags and arg[0..1])
 * or on two (path2: a second place's path or a symlink's target). */
struct volume_path_call {
    uint32_t op;
    uint32_t mode;
    uint32_t flags;
    const char *path2;
    uint32_t path2_len;
    int64_t arg[2];
};
long volume_path(const struct fs_place *place, const struct volume_path_call *call);

/* chmod and utimensat beneath a volume. */
long volume_change(int32_t volume, const char *path, uint32_t path_len,
                   const struct file_change *change, bool nofollow);

/* The cwd moves beneath a volume (the place, a folder there). */
long volume_chdir(struct fs *fs, const struct fs_place *place);

/* Was the volume given with :ro? */
bool volume_read_only(int32_t volume);

/* The volume's folder in the guest (not NUL-terminated), *len bytes. */
const char *volume_folder(int32_t volume, uint32_t *len);

/* The monitor's stat answer for a file of volume, as the runtime's. */
void volume_stat_of(const struct kiln_stat *in, uint32_t volume, struct fs_stat *st);

#endif
