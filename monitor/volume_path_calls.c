/*
 * PATH: the operations on names beneath a volume (kiln/abi.h,
 * KILN_PATH_*).  Those that add, remove or read a name act on the last
 * component in its parent folder (volume_path.h); those that Linux lets
 * follow a last symlink (truncate, chmod, utimens without
 * AT_SYMLINK_NOFOLLOW) act on what the whole path resolves to, beneath
 * the folder.  A "." or ".." last component gets Linux's errno.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/clock.h"
#include "hypercall_args.h"
#include "volume_calls.h"
#include "volume_path.h"

/* One PATH call: its arguments, copied, and its paths, copied out. */
struct path_call {
    struct vm *vm;
    struct kiln_hc_path args;
    const struct volume *volume;
    char path[KILN_PATH_MAX]; /* cut by parent_of() */
};

static int errno_of(int rc)
{
    return rc == 0 ? 0 : -errno;
}

/* The name's parent folder, resolved beneath the volume's: a descriptor,
 * or -errno. */
static int parent_of(struct path_call *call, char *path, struct volume_name *split)
{
    volume_path_split(path, split);
    return volume_resolve(call->volume->root, split->parent, O_PATH | O_DIRECTORY, 0);
}

/* What the whole path resolves to, beneath the volume's folder. */
static int whole_of(const struct path_call *call, uint64_t flags)
{
    return volume_resolve(call->volume->root, call->path, flags, 0);
}

/* Linux refuses to make or remove "." and ".." with these errnos, and
 * the volume's folder, a mount point to the guest, as rmdir does. */
static int special_name_error(const struct volume_name *split, int dot, int dotdot, int root)
{
    switch (split->kind) {
    case VOLUME_NAME_DOT:
        return -dot;
    case VOLUME_NAME_DOTDOT:
        return -dotdot;
    case VOLUME_NAME_ROOT:
        return -root;
    default:
        return 0;
    }
}

/* The second path of RENAME and SYMLINK, copied into text. */
static int take_path2(struct path_call *call, char text[KILN_PATH_MAX])
{
    return volume_guest_path(call->vm, "PATH", call->args.path2, call->args.path2_len, text);
}

static int mkdir_name(struct path_call *call)
{
    struct volume_name split;
    int dir = parent_of(call, call->path, &split);
    if (dir < 0)
        return dir;
    int rc = special_name_error(&split, EEXIST, EEXIST, EEXIST);
    if (rc == 0)
        rc = errno_of(mkdirat(dir, split.name, volume_mode(call->args.mode)));
    close(dir);
    return rc;
}

static int remove_name(struct path_call *call, int flags)
{
    struct volume_name split;
    int dir = parent_of(call, call->path, &split);
    if (dir < 0)
        return dir;
    int rc = flags == AT_REMOVEDIR ? special_name_error(&split, EINVAL, ENOTEMPTY, EBUSY)
                                   : special_name_error(&split, EISDIR, EISDIR, EISDIR);
    if (rc == 0)
        rc = errno_of(unlinkat(dir, split.name, flags));
    close(dir);
    return rc;
}

/* The system call itself: glibc's renameat2() makes renameat() of
 * flags 0, which the run's seccomp filter need not allow too. */
static int rename_names(struct path_call *call)
{
    char to[KILN_PATH_MAX];
    struct volume_name from_split, to_split;
    int rc = take_path2(call, to);
    if (rc != 0)
        return rc;
    if (call->args.flags & ~(uint32_t)(RENAME_NOREPLACE | RENAME_EXCHANGE))
        return -EINVAL;
    int from_dir = parent_of(call, call->path, &from_split);
    int to_dir = from_dir < 0 ? -1 : parent_of(call, to, &to_split);
    rc = from_dir < 0 ? from_dir : to_dir < 0 ? to_dir : 0;
    if (rc == 0 && (from_split.kind != VOLUME_NAME_PLAIN || to_split.kind != VOLUME_NAME_PLAIN))
        rc = -EBUSY;
    if (rc == 0)
        rc = errno_of((int)syscall(SYS_renameat2, from_dir, from_split.name, to_dir, to_split.name,
                                   call->args.flags));
    if (from_dir >= 0)
        close(from_dir);
    if (to_dir >= 0)
        close(to_dir);
    return rc;
}

/* path is the new link; path2 its target, text the kernel never follows
 * here (a lookup through the link starts again at the volume's folder). */
static int make_symlink(struct path_call *call)
{
    char target[KILN_PATH_MAX];
    struct volume_name split;
    int rc = take_path2(call, target);
    if (rc != 0)
        return rc;
    if (target[0] == '\0')
        return -ENOENT;
    int dir = parent_of(call, call->path, &split);
    if (dir < 0)
        return dir;
    rc = special_name_error(&split, EEXIST, EEXIST, EEXIST);
    if (rc == 0)
        rc = errno_of(symlinkat(target, dir, split.name));
    close(dir);
    return rc;
}

/* Straight into the guest's buffer.  A trailing slash, "." or ".." make
 * Linux follow to something that is no symlink: EINVAL, once it exists. */
static int64_t read_link(struct path_call *call)
{
    uint8_t *buf =
        hypercall_range(call->vm, "PATH", "buffer", call->args.path2, call->args.path2_len, true);
    const char *name;
    if (buf == NULL)
        return -EFAULT;
    int fd = volume_resolve_last(call->volume->root, call->path, true, &name);
    if (fd < 0)
        return fd;
    int64_t rc = -EINVAL;
    if (*name != '\0') {
        ssize_t len = readlinkat(fd, name, (char *)buf, call->args.path2_len);
        rc = len < 0 ? -errno : len;
    }
    close(fd);
    return rc;
}

static int truncate_path(struct path_call *call)
{
    if (call->args.arg[0] < 0)
        return -EINVAL;
    int fd = whole_of(call, O_WRONLY | O_NONBLOCK | O_NOCTTY);
    if (fd < 0)
        return fd;
    int rc = errno_of(ftruncate(fd, call->args.arg[0]));
    close(fd);
    return rc;
}

/* chmod(2) follows a last symlink; a descriptor opened for reading is
 * what fchmod() takes on every kernel (fchmodat2() came with 6.6). */
static int chmod_path(struct path_call *call)
{
    int fd = whole_of(call, O_RDONLY | O_NONBLOCK | O_NOCTTY);
    if (fd < 0)
        return fd;
    int rc = errno_of(fchmod(fd, volume_mode(call->args.mode)));
    close(fd);
    return rc;
}

static struct timespec timespec_of(int64_t ns)
{
    if (ns == KILN_TIME_NOW)
        return (struct timespec){.tv_nsec = UTIME_NOW};
    if (ns == KILN_TIME_OMIT)
        return (struct timespec){.tv_nsec = UTIME_OMIT};
    int64_t seconds = ns / NS_PER_S, rest = ns % NS_PER_S;
    if (rest < 0) {
        seconds--;
        rest += NS_PER_S;
    }
    return (struct timespec){.tv_sec = seconds, .tv_nsec = rest};
}

static int set_times(struct path_call *call)
{
    const struct timespec times[2] = {timespec_of(call->args.arg[0]),
                                      timespec_of(call->args.arg[1])};
    const char *name;
    if (call->args.flags & ~(uint32_t)AT_SYMLINK_NOFOLLOW)
        return -EINVAL;
    int fd = volume_resolve_last(call->volume->root, call->path,
                                 call->args.flags & AT_SYMLINK_NOFOLLOW, &name);
    if (fd < 0)
        return fd;
    int rc = errno_of(utimensat(fd, name, times, *name ? AT_SYMLINK_NOFOLLOW : AT_EMPTY_PATH));
    close(fd);
    return rc;
}

static int64_t run_op(struct path_call *call)
{
    if (call->volume->read_only && call->args.op != KILN_PATH_READLINK)
        return -EROFS;
    switch (call->args.op) {
    case KILN_PATH_MKDIR:
        return mkdir_name(call);
    case KILN_PATH_UNLINK:
        return remove_name(call, 0);
    case KILN_PATH_RMDIR:
        return remove_name(call, AT_REMOVEDIR);
    case KILN_PATH_RENAME:
        return rename_names(call);
    case KILN_PATH_SYMLINK:
        return make_symlink(call);
    case KILN_PATH_READLINK:
        return read_link(call);
    case KILN_PATH_TRUNCATE:
        return truncate_path(call);
    case KILN_PATH_UTIMENS:
        return set_times(call);
    case KILN_PATH_CHMOD:
        return chmod_path(call);
    default:
        return -EINVAL;
    }
}

void volume_call_path(struct vm *vm, uint32_t gpa)
{
    struct kiln_hc_path *args = HYPERCALL_ARGS(vm, "PATH", gpa, struct kiln_hc_path);
    if (args == NULL)
        return;
    struct path_call call = {.vm = vm, .args = *args};
    int64_t rc = volume_take_path(vm, "PATH", call.args.volume, call.args.path, call.args.path_len,
                                  call.path, &call.volume);
    if (rc == 0)
        rc = run_op(&call);
    if (!vm->stopped)
        args->result = rc;
}
