#define _GNU_SOURCE
#include "files.h"
#include "devices.h"
#include "user_range.h"
#include "volume.h"
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>

#define DEFAULT_UMASK 022

/* kiln.ld: the embedded files, an empty range in an image without. */
extern const char __kiln_files_start[] __attribute__((visibility("hidden")));
extern const char __kiln_files_end[] __attribute__((visibility("hidden")));

struct files_state {
    bool ready;
    uint32_t umask;
    struct fs fs;
};

static struct files_state *state_get(void)
{
    static struct files_state state = {.umask = DEFAULT_UMASK};
    return &state;
}

/* Boot does none of this: an image pays for its files at the first call
 * that needs them, and a program that never calls pays nothing. */
struct fs *kiln_fs(void)
{
    struct files_state *state = state_get();

    if (!state->ready) {
        if (fs_init(&state->fs, __kiln_files_start,
                    (uint64_t)(__kiln_files_end - __kiln_files_start)) != 0)
            return NULL;
        volumes_mount_first(&state->fs);
        devices_populate(&state->fs);
        volumes_mount(&state->fs);
        state->ready = true;
    }
    return &state->fs;
}

uint32_t files_umask(uint32_t mode)
{
    return mode & ~state_get()->umask;
}

long kiln_sys_umask(const struct syscall_args *args)
{
    struct files_state *state = state_get();
    uint32_t old = state->umask;

    state->umask = (uint32_t)args->arg1 & 0777;
    return old;
}

/* The memory is checked a page at a time, as far as the NUL. */
long files_path_len(const char *path, bool allow_empty)
{
    for (uint32_t len = 0; len < KILN_PATH_MAX; len++) {
        bool page_start = len == 0 || ((uintptr_t)(path + len) & (KILN_PAGE_SIZE - 1)) == 0;
        if (page_start && !user_range_ok(path + len, 1))
            return -EFAULT;
        if (path[len] == '\0')
            return len > 0 || allow_empty ? (long)len : -ENOENT;
    }
    return -ENAMETOOLONG;
}

long files_start(int dirfd, struct fs_where *start)
{
    struct fs *fs = kiln_fs();

    if (!fs)
        return -ENOMEM;
    if (dirfd == AT_FDCWD) {
        *start = fs->cwd;
        return 0;
    }
    struct open_file *file = fd_file(dirfd);
    if (!file)
        return -EBADF;
    return file->ops->where ? file->ops->where(file, start) : -ENOTDIR;
}

/* An absolute path ignores dirfd, even a bad one, as on Linux. */
long files_resolve(int dirfd, const char *path, unsigned flags, struct fs_place *place)
{
    struct fs_where start = {.volume = FS_NO_VOLUME};
    long len = files_path_len(path, false);

    if (len < 0)
        return len;
    struct fs *fs = kiln_fs();
    if (!fs)
        return -ENOMEM;
    if (path[0] != '/') {
        long err = files_start(dirfd, &start);
        if (err)
            return err;
    }
    return fs_walk(fs, &start, path, (uint32_t)len, flags, place);
}
