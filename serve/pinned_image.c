#include "pinned_image.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "common/atomic_file.h"
#include "common/cache_entry.h"
#include "common/content_hash.h"
#include "common/file_io.h"
#include "common/mapped_file.h"
#include "common/report.h"

/* Read, not mapped: a writer may truncate the file while it is read,
 * which a mapping would answer with SIGBUS. */
static int read_image(const char *path, uint8_t **bytes, size_t *size)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return report("%s: %s", path, strerror(errno));
    uint64_t file_size;
    int rc = regular_file_size(fd, &file_size);
    if (rc < 0) {
        close(fd);
        return report("%s: %s", path, strerror(-rc));
    }
    *size = (size_t)file_size;
    *bytes = malloc(*size ? *size : 1);
    if (*bytes == NULL) {
        close(fd);
        return report("%s: out of memory", path);
    }
    ssize_t got = read_all(fd, *bytes, *size);
    close(fd);
    if (got != (ssize_t)*size) {
        free(*bytes);
        return report("%s: %s", path, got < 0 ? strerror(errno) : "it shrank while read");
    }
    return 0;
}

int pinned_image(const char *path, const char *cache_dir, char *pinned, size_t pinned_size)
{
    if (cache_dir == NULL) {
        if ((size_t)snprintf(pinned, pinned_size, "%s", path) >= pinned_size)
            return report("%s: the path is too long", path);
        return 0;
    }
    uint8_t *bytes = NULL;
    size_t size = 0;
    if (read_image(path, &bytes, &size) != 0)
        return -1;
    struct content_hash hash = content_hash_of(bytes, size);
    int rc =
        cache_entry_path(pinned, pinned_size, cache_dir, CACHE_IMAGES, &hash, CACHE_IMAGE_SUFFIX);
    const struct iovec whole = {.iov_base = bytes, .iov_len = size};
    if (rc == 0 && access(pinned, F_OK) != 0)
        rc = cache_entry_make_folder(pinned) == 0 ? atomic_file_write(pinned, 0644, &whole, 1) : -1;
    free(bytes);
    return rc;
}
