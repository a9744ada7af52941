#include "guest_mem.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/mman.h>

#include <kiln/abi.h>

#include "common/bits.h"

void *guest_mem_at(const struct guest_mem *mem, uint64_t gpa, uint64_t len)
{
    if (gpa > mem->size || len > mem->size - gpa)
        return NULL;
    return mem->host + gpa;
}

static void note_written(const struct guest_mem *mem, uint64_t gpa, uint64_t len)
{
    uint64_t last = (gpa + len - 1) / KILN_PAGE_SIZE;
    for (uint64_t page = gpa / KILN_PAGE_SIZE; page <= last; page++)
        bitmap_set(mem->written, page);
}

void *guest_mem_for_write(const struct guest_mem *mem, uint64_t gpa, uint64_t len)
{
    void *host = guest_mem_at(mem, gpa, len);
    if (host != NULL && mem->written != NULL && len > 0)
        note_written(mem, gpa, len);
    return host;
}

static int map(struct guest_mem *mem, uint64_t size, int flags, int fd)
{
    void *host = mmap(NULL, size, PROT_READ | PROT_WRITE, flags | MAP_NORESERVE, fd, 0);
    if (host == MAP_FAILED)
        return -errno;
    *mem = (struct guest_mem){.host = host, .size = size, .shared = flags & MAP_SHARED};
    return 0;
}

int guest_mem_map(struct guest_mem *mem, uint64_t size)
{
    return map(mem, size, MAP_PRIVATE | MAP_ANONYMOUS, -1);
}

int guest_mem_map_shared(struct guest_mem *mem, int fd, uint64_t size)
{
    return map(mem, size, MAP_SHARED, fd);
}

int guest_mem_track_writes(struct guest_mem *mem)
{
    mem->written = bitmap_new(mem->size / KILN_PAGE_SIZE);
    return mem->written != NULL ? 0 : -ENOMEM;
}

void guest_mem_unmap(struct guest_mem *mem)
{
    if (mem->host)
        munmap(mem->host, mem->size);
    free(mem->written);
    *mem = (struct guest_mem){0};
}

int guest_mem_map_file(const struct guest_mem *mem, uint64_t gpa, uint64_t len, int fd,
                       uint64_t offset)
{
    void *at = guest_mem_at(mem, gpa, len);
    if (at == NULL)
        return -EFAULT;
    if (mmap(at, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED, fd, (off_t)offset) ==
        MAP_FAILED)
        return -errno;
    return 0;
}

int guest_mem_map_pages(const struct guest_mem *mem, int fd, uint64_t offset, const uint64_t *pages)
{
    uint64_t start, end = 0;
    while (bitmap_next_run(pages, mem->size / KILN_PAGE_SIZE, end, &start, &end)) {
        int rc = guest_mem_map_file(mem, start * KILN_PAGE_SIZE, (end - start) * KILN_PAGE_SIZE, fd,
                                    offset + start * KILN_PAGE_SIZE);
        if (rc != 0)
            return rc;
    }
    return 0;
}
