#include "mapped_file.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

int regular_file_size(int fd, uint64_t *size)
{
    struct stat st;
    if (fstat(fd, &st) != 0)
        return -errno;
    if (!S_ISREG(st.st_mode))
        return S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
    *size = (uint64_t)st.st_size;
    return 0;
}

int mapped_file_map(struct mapped_file *file, int fd)
{
    uint64_t size;
    *file = (struct mapped_file){0};
    int rc = regular_file_size(fd, &size);
    if (rc != 0 || size == 0)
        return rc;
    /* Writable, private: libelf may write to its buffer; the file never changes. */
    void *bytes = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    if (bytes == MAP_FAILED)
        return -errno;
    file->bytes = bytes;
    file->size = size;
    return 0;
}

int mapped_file_open(struct mapped_file *file, const char *path)
{
    *file = (struct mapped_file){0};
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    int rc = mapped_file_map(file, fd);
    close(fd);
    return rc;
}

void mapped_file_close(struct mapped_file *file)
{
    if (file->bytes)
        munmap(file->bytes, file->size);
    *file = (struct mapped_file){0};
}
