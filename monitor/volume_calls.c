#include "volume_calls.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/clock.h"
#include "hypercall_args.h"
#include "volume_path.h"

/* An empty path (a volume's folder) reads no guest memory, so it needs
 * no address. */
int volume_guest_path(struct vm *vm, const char *call, uint64_t gpa, uint64_t len,
                      char path[KILN_PATH_MAX])
{
    static const uint8_t empty[1];
    const uint8_t *bytes = len == 0 ? empty : hypercall_range(vm, call, "path", gpa, len, false);
    return bytes == NULL ? -EFAULT : volume_path_copy(path, bytes, len);
}

int volume_take_path(struct vm *vm, const char *call, uint32_t index, uint64_t gpa, uint64_t len,
                     char path[KILN_PATH_MAX], const struct volume **volume)
{
    int rc = volume_guest_path(vm, call, gpa, len, path);
    if (rc != 0)
        return rc;
    *volume = volumes_get(vm->volumes, index);
    return *volume != NULL ? 0 : -ENODEV;
}

static int64_t result_of(int64_t rc)
{
    return rc < 0 ? -errno : rc;
}

static int open_path(struct vm *vm, const struct kiln_hc_open *call)
{
    char path[KILN_PATH_MAX];
    const struct volume *volume;
    uint64_t flags;
    int rc = volume_take_path(vm, "OPEN", call->volume, call->path, call->path_len, path, &volume);
    if (rc == 0)
        rc = volume_open_flags(call->flags, volume->read_only, &flags);
    if (rc == 0)
        rc = volume_resolve(volume->root, path, flags, call->mode);
    return rc < 0 ? rc : volumes_add_handle(vm->volumes, rc, call->volume);
}

void volume_call_open(struct vm *vm, uint32_t gpa)
{
    struct kiln_hc_open *args = HYPERCALL_ARGS(vm, "OPEN", gpa, struct kiln_hc_open);
    if (args == NULL)
        return;
    struct kiln_hc_open call = *args;
    int rc = open_path(vm, &call);
    if (!vm->stopped)
        args->result = rc;
}

void volume_call_close(struct vm *vm, uint32_t gpa)
{
    struct kiln_hc_close *args = HYPERCALL_ARGS(vm, "CLOSE", gpa, struct kiln_hc_close);
    if (args != NULL)
        args->result = volumes_drop_handle(vm->volumes, args->handle);
}

/* PREAD and PWRITE move bytes straight between the host file and guest
 * memory, with no copy in between. */
static void file_io(struct vm *vm, uint32_t gpa, const char *call, bool writes)
{
    struct kiln_hc_file_io *args = HYPERCALL_ARGS(vm, call, gpa, struct kiln_hc_file_io);
    if (args == NULL)
        return;
    struct kiln_hc_file_io io = *args;
    uint8_t *buf = hypercall_range(vm, call, "buffer", io.buf, io.len, !writes);
    if (buf == NULL)
        return;
    const struct volume_handle *handle = volumes_handle(vm->volumes, io.handle);
    if (handle == NULL)
        args->result = -EBADF;
    else if (io.offset > INT64_MAX)
        args->result = -EINVAL;
    else if (writes && vm->volumes->list[handle->volume].read_only)
        args->result = -EROFS;
    else if (writes)
        args->result = result_of(pwrite(handle->fd, buf, io.len, (off_t)io.offset));
    else
        args->result = result_of(pread(handle->fd, buf, io.len, (off_t)io.offset));
}

void volume_call_pread(struct vm *vm, uint32_t gpa)
{
    file_io(vm, gpa, "PREAD", false);
}

void volume_call_pwrite(struct vm *vm, uint32_t gpa)
{
    file_io(vm, gpa, "PWRITE", true);
}

static int64_t ns_of(struct timespec ts)
{
    return (int64_t)ts.tv_sec * NS_PER_S + ts.tv_nsec;
}

static struct kiln_stat kiln_stat_of(const struct stat *st)
{
    return (struct kiln_stat){
        .ino = st->st_ino,
        .size = (uint64_t)st->st_size,
        .blocks = (uint64_t)st->st_blocks,
        .mode = st->st_mode,
        .nlink = (uint32_t)st->st_nlink,
        .atime_ns = ns_of(st->st_atim),
        .mtime_ns = ns_of(st->st_mtim),
        .ctime_ns = ns_of(st->st_ctim),
    };
}

static int stat_path(const struct volume *volume, const char *path, bool nofollow, struct stat *st)
{
    const char *name;
    int fd = volume_resolve_last(volume->root, path, nofollow, &name);
    if (fd < 0)
        return fd;
    int rc = fstatat(fd, name, st, *name ? AT_SYMLINK_NOFOLLOW : AT_EMPTY_PATH) == 0 ? 0 : -errno;
    close(fd);
    return rc;
}

static int stat_of(struct vm *vm, const struct kiln_hc_stat *call, struct stat *st)
{
    char path[KILN_PATH_MAX];
    const struct volume *volume;
    if (call->flags & ~(uint32_t)(KILN_STAT_HANDLE | KILN_STAT_NOFOLLOW))
        return -EINVAL;
    if (call->flags & KILN_STAT_HANDLE) {
        const struct volume_handle *handle = volumes_handle(vm->volumes, call->handle);
        if (handle == NULL)
            return -EBADF;
        return fstat(handle->fd, st) == 0 ? 0 : -errno;
    }
    int rc = volume_take_path(vm, "STAT", call->volume, call->path, call->path_len, path, &volume);
    if (rc == 0)
        rc = stat_path(volume, path, call->flags & KILN_STAT_NOFOLLOW, st);
    return rc;
}

void volume_call_stat(struct vm *vm, uint32_t gpa)
{
    struct kiln_hc_stat *args = HYPERCALL_ARGS(vm, "STAT", gpa, struct kiln_hc_stat);
    if (args == NULL)
        return;
    struct kiln_hc_stat call = *args;
    uint8_t *out =
        hypercall_range(vm, "STAT", "stat buffer", call.stat, sizeof(struct kiln_stat), true);
    struct stat st;
    int rc = out != NULL ? stat_of(vm, &call, &st) : 0;
    if (vm->stopped)
        return;
    if (rc == 0) {
        struct kiln_stat answer = kiln_stat_of(&st);
        memcpy(out, &answer, sizeof answer);
    }
    args->result = rc;
}

/* Straight into guest memory, in Linux's own format. */
void volume_call_dirents(struct vm *vm, uint32_t gpa)
{
    struct kiln_hc_dirents *args = HYPERCALL_ARGS(vm, "DIRENTS", gpa, struct kiln_hc_dirents);
    if (args == NULL)
        return;
    struct kiln_hc_dirents call = *args;
    uint8_t *buf = hypercall_range(vm, "DIRENTS", "buffer", call.buf, call.len, true);
    if (buf == NULL)
        return;
    const struct volume_handle *handle = volumes_handle(vm->volumes, call.handle);
    unsigned len = call.len > INT_MAX ? INT_MAX : (unsigned)call.len;
    args->result =
        handle == NULL ? -EBADF : result_of(syscall(SYS_getdents64, handle->fd, buf, len));
}

static int file_op(const struct vm *vm, const struct volume_handle *handle, uint32_t op,
                   uint64_t arg)
{
    bool read_only = vm->volumes->list[handle->volume].read_only;
    switch (op) {
    case KILN_FILE_TRUNCATE:
        if (read_only)
            return -EROFS;
        if (arg > INT64_MAX)
            return -EINVAL;
        return ftruncate(handle->fd, (off_t)arg) == 0 ? 0 : -errno;
    case KILN_FILE_SYNC:
        return fsync(handle->fd) == 0 ? 0 : -errno;
    case KILN_FILE_REWIND:
        return lseek(handle->fd, 0, SEEK_SET) == 0 ? 0 : -errno;
    default:
        return -EINVAL;
    }
}

void volume_call_file(struct vm *vm, uint32_t gpa)
{
    struct kiln_hc_file *args = HYPERCALL_ARGS(vm, "FILE", gpa, struct kiln_hc_file);
    if (args == NULL)
        return;
    struct kiln_hc_file call = *args;
    const struct volume_handle *handle = volumes_handle(vm->volumes, call.handle);
    args->result = handle == NULL ? -EBADF : file_op(vm, handle, call.op, call.arg);
}
