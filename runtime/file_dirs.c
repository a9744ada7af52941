#define _GNU_SOURCE
#include "file_dirs.h"
#include "bytes.h"
#include "files.h"
#include "fs_folder.h"
#include "user_range.h"
#include "volume.h"
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>

long kiln_sys_getdents64(const struct syscall_args *args)
{
    struct open_file *file = fd_file((int)args->arg1);
    void *buf = (void *)(uintptr_t)args->arg2;
    uint64_t len = args->arg3;

    if (!file)
        return -EBADF;
    if (!file->ops->getdents)
        return -ENOTDIR;
    if (!user_range_ok(buf, len))
        return -EFAULT;
    return file->ops->getdents(file, buf, len);
}

long kiln_sys_chdir(const struct syscall_args *args)
{
    struct fs_place place;
    long err = files_resolve(AT_FDCWD, (const char *)(uintptr_t)args->arg1, 0, &place);

    if (err)
        return err;
    if (place.volume != FS_NO_VOLUME)
        return volume_chdir(kiln_fs(), &place);
    if (!place.node)
        return -ENOENT;
    if (!S_ISDIR(place.node->mode))
        return -ENOTDIR;
    fs_set_cwd_dir(kiln_fs(), place.node);
    return 0;
}

long kiln_sys_fchdir(const struct syscall_args *args)
{
    struct fs_where where;
    long err = (int)args->arg1 == AT_FDCWD ? -EBADF : files_start((int)args->arg1, &where);

    if (err)
        return err;
    if (where.volume != FS_NO_VOLUME)
        return fs_set_cwd_volume(kiln_fs(), where.volume, where.path, where.path_len);
    fs_set_cwd_dir(kiln_fs(), where.dir);
    return 0;
}

/* Prepends "/" and a name to the path being built backwards from end. */
static bool prepend(char *buf, uint32_t *start, const char *name, uint32_t len)
{
    if (*start < len + 1)
        return false;
    *start -= len;
    bytes_copy(buf + *start, name, len);
    buf[--*start] = '/';
    return true;
}

/* The cwd's path built backwards at the end of buf: its start, or
 * -ENOENT (a removed folder) or -ENAMETOOLONG. */
static long cwd_path(const struct fs *fs, char *buf, uint32_t size)
{
    uint32_t start = size, len;
    const char *name;

    if (fs->cwd.volume != FS_NO_VOLUME) {
        if (fs->cwd.path_len > 0 && !prepend(buf, &start, fs->cwd.path, fs->cwd.path_len))
            return -ENAMETOOLONG;
        name = volume_folder(fs->cwd.volume, &len);
        /* The root volume's folder, "/", adds nothing. */
        if (len > 1 && !prepend(buf, &start, name + 1, len - 1))
            return -ENAMETOOLONG;
    } else {
        for (const struct fs_node *dir = fs->cwd.dir; dir != fs->root; dir = dir->parent) {
            if (!fs_folder_name_of(fs, dir, &name, &len))
                return -ENOENT;
            if (!prepend(buf, &start, name, len))
                return -ENAMETOOLONG;
        }
    }
    if (start == size)
        buf[--start] = '/';
    return (long)start;
}

/* Linux's getcwd answers the length with its NUL. */
long kiln_sys_getcwd(const struct syscall_args *args)
{
    char *out = (char *)(uintptr_t)args->arg1;
    uint64_t size = args->arg2;
    char path[KILN_PATH_MAX];
    struct fs *fs = kiln_fs();

    if (!fs)
        return -ENOMEM;
    long start = cwd_path(fs, path, sizeof path - 1);
    if (start < 0)
        return start;
    uint64_t len = sizeof path - 1 - (uint64_t)start;
    if (len + 1 > size)
        return -ERANGE;
    if (!user_range_ok(out, len + 1))
        return -EFAULT;
    bytes_copy(out, path + start, len);
    out[len] = '\0';
    return (long)(len + 1);
}
