#include "volume_path.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* What a guest may ask of OPEN; O_CLOEXEC and O_NOCTTY are the host's
 * anyway, O_LARGEFILE is what musl adds. */
#define GUEST_OPEN_FLAGS                                                                           \
    (O_ACCMODE | O_CREAT | O_EXCL | O_TRUNC | O_APPEND | O_DIRECTORY | O_NOFOLLOW | O_NONBLOCK |   \
     O_CLOEXEC | O_NOCTTY | O_LARGEFILE | O_SYNC | O_DSYNC)

/* The kernel answers EAGAIN when a rename or mount raced a ".." in the
 * lookup; a few tries see it through. */
#define RESOLVE_TRIES 8

int volume_path_copy(char path[KILN_PATH_MAX], const uint8_t *bytes, uint64_t len)
{
    if (len > KILN_PATH_MAX - 1)
        return -ENAMETOOLONG;
    if (memchr(bytes, '\0', len) != NULL)
        return -EINVAL;
    memcpy(path, bytes, len);
    path[len] = '\0';
    return 0;
}

static enum volume_name_kind kind_of(const char *name, size_t len)
{
    if (len == 1 && name[0] == '.')
        return VOLUME_NAME_DOT;
    if (len == 2 && name[0] == '.' && name[1] == '.')
        return VOLUME_NAME_DOTDOT;
    return VOLUME_NAME_PLAIN;
}

void volume_path_split(char *path, struct volume_name *split)
{
    size_t end = strlen(path);
    size_t name_end = end;
    while (name_end > 0 && path[name_end - 1] == '/')
        name_end--;
    *split = (struct volume_name){.parent = ".", .trailing_slash = name_end < end};
    if (name_end == 0) { /* "" or "/": the folder itself */
        split->name = ".";
        split->kind = VOLUME_NAME_ROOT;
        return;
    }
    size_t start = name_end;
    while (start > 0 && path[start - 1] != '/')
        start--;
    split->name = path + start;
    split->kind = kind_of(path + start, name_end - start);
    if (start == 0)
        return;
    path[start - 1] = '\0'; /* the slash before the name */
    split->parent = start == 1 ? "/" : path;
}

int volume_resolve_last(int root, const char *path, bool nofollow, const char **name)
{
    char parent[KILN_PATH_MAX];
    struct volume_name split;
    snprintf(parent, sizeof parent, "%s", path);
    volume_path_split(parent, &split);
    if (nofollow && split.kind == VOLUME_NAME_PLAIN && !split.trailing_slash) {
        *name = path + (split.name - parent);
        return volume_resolve(root, split.parent, O_PATH | O_DIRECTORY, 0);
    }
    *name = "";
    return volume_resolve(root, path, O_PATH, 0);
}

int volume_open_flags(uint32_t guest_flags, bool read_only, uint64_t *host_flags)
{
    if ((guest_flags & O_PATH) || (guest_flags & O_TMPFILE) == O_TMPFILE)
        return -EOPNOTSUPP;
    if ((guest_flags & ~(uint32_t)GUEST_OPEN_FLAGS) || (guest_flags & O_ACCMODE) == O_ACCMODE)
        return -EINVAL;
    if (read_only && ((guest_flags & O_ACCMODE) != O_RDONLY || (guest_flags & (O_CREAT | O_TRUNC))))
        return -EROFS;
    /* Never blocking: a fifo in the host folder would stop the vCPU's
     * thread in open, where no timeout reaches it. */
    *host_flags = (guest_flags & ~(uint32_t)O_APPEND) | O_NOCTTY | O_NONBLOCK;
    return 0;
}

uint32_t volume_mode(uint32_t mode)
{
    return mode & 07777 & ~(uint32_t)(S_ISUID | S_ISGID);
}

int volume_resolve(int root, const char *path, uint64_t flags, uint32_t mode)
{
    struct open_how how = {
        .flags = flags | O_CLOEXEC,
        .mode = (flags & O_CREAT) ? volume_mode(mode) : 0,
        .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
    };
    const char *at = path[0] != '\0' ? path : ".";
    for (int tries = 0; tries < RESOLVE_TRIES; tries++) {
        long fd = syscall(SYS_openat2, root, at, &how, sizeof how);
        if (fd >= 0)
            return (int)fd;
        if (errno != EAGAIN)
            break;
    }
    return -errno;
}
