#include "guest_mem.h"

#include <errno.h>
#include <stddef.h>
#include <sys/mman.h>

void *guest_mem_at(const struct guest_mem *mem, uint64_t gpa, uint64_t len)
{
    if (gpa > mem->size || len > mem->size - gpa)
        return NULL;
    return mem->host + gpa;
}

int guest_mem_map(struct guest_mem *mem, uint64_t size)
{
    void *host = mmap(NULL, size, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (host == MAP_FAILED)
        return -errno;
    mem->host = host;
    mem->size = size;
    return 0;
}

void guest_mem_unmap(struct guest_mem *mem)
{
    if (mem->host)
        munmap(mem->host, mem->size);
    mem->host = NULL;
    mem->size = 0;
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
