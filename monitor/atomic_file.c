#include "atomic_file.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TEMP_SUFFIX ATOMIC_FILE_TEMP_MARK "XXXXXX"

int atomic_file_create(const char *path, char *temp, size_t temp_size)
{
    int len = snprintf(temp, temp_size, "%s%s", path, TEMP_SUFFIX);
    if (len < 0 || (size_t)len >= temp_size) {
        fprintf(stderr, "kiln: %s: path too long\n", path);
        return -1;
    }
    int fd = mkostemp(temp, O_CLOEXEC);
    if (fd < 0)
        fprintf(stderr, "kiln: %s: cannot create a temporary file next to it: %s\n", path,
                strerror(errno));
    return fd;
}

int atomic_file_commit(const char *temp, const char *path)
{
    if (rename(temp, path) == 0)
        return 0;
    fprintf(stderr, "kiln: %s: cannot write: %s\n", path, strerror(errno));
    unlink(temp);
    return -1;
}

static int write_part(int fd, const struct iovec *part)
{
    const char *bytes = part->iov_base;
    size_t left = part->iov_len;
    while (left > 0) {
        ssize_t written = write(fd, bytes, left);
        if (written < 0 && errno == EINTR)
            continue;
        if (written < 0)
            return -1;
        bytes += written;
        left -= (size_t)written;
    }
    return 0;
}

static int fill(int fd, mode_t mode, const struct iovec *parts, size_t count)
{
    mode_t umask_bits = umask(0);
    umask(umask_bits);
    if (fchmod(fd, mode & ~umask_bits) != 0)
        return -1;
    for (size_t i = 0; i < count; i++)
        if (write_part(fd, &parts[i]) != 0)
            return -1;
    return 0;
}

int atomic_file_write(const char *path, mode_t mode, const struct iovec *parts, size_t count)
{
    char temp[PATH_MAX];
    int fd = atomic_file_create(path, temp, sizeof temp);
    if (fd < 0)
        return -1;
    int rc = fill(fd, mode, parts, count);
    int saved = errno;
    close(fd);
    if (rc != 0) {
        fprintf(stderr, "kiln: %s: cannot write: %s\n", path, strerror(saved));
        unlink(temp);
        return -1;
    }
    return atomic_file_commit(temp, path);
}
