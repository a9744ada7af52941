#include "atomic_file.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file_io.h"
#include "report.h"

#define TEMP_SUFFIX ATOMIC_FILE_TEMP_MARK "XXXXXX"

int atomic_file_create(const char *path, char *temp, size_t temp_size)
{
    int len = snprintf(temp, temp_size, "%s%s", path, TEMP_SUFFIX);
    if (len < 0 || (size_t)len >= temp_size)
        return report("%s: path too long", path);
    int fd = mkostemp(temp, O_CLOEXEC);
    if (fd < 0)
        report("%s: cannot create a temporary file next to it: %s", path, strerror(errno));
    return fd;
}

int atomic_file_commit(const char *temp, const char *path)
{
    if (rename(temp, path) == 0)
        return 0;
    report("%s: cannot write: %s", path, strerror(errno));
    unlink(temp);
    return -1;
}

static int fill(int fd, mode_t mode, const struct iovec *parts, size_t count)
{
    mode_t umask_bits = umask(0);
    umask(umask_bits);
    if (fchmod(fd, mode & ~umask_bits) != 0)
        return -1;
    for (size_t i = 0; i < count; i++)
        if (write_all(fd, parts[i].iov_base, parts[i].iov_len) != (ssize_t)parts[i].iov_len)
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
        report("%s: cannot write: %s", path, strerror(saved));
        unlink(temp);
        return -1;
    }
    return atomic_file_commit(temp, path);
}
