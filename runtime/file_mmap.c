#define _GNU_SOURCE
#include "file_mmap.h"
#include "embedded_pages.h"
#include "fd_table.h"
#include "layer_files.h"
#include "memory.h"
#include "min_max.h"
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>

/* Linux's refusals for the file and the access it was opened with. */
static long check_file(const struct open_file *file, int prot, int type)
{
    uint32_t access = file->flags & O_ACCMODE;

    if (file->flags & O_PATH)
        return -EBADF;
    if (!file->ops->seek)
        return -ENODEV;
    if (access == O_WRONLY)
        return -EACCES;
    if (type != MAP_PRIVATE && (prot & PROT_WRITE))
        return access == O_RDWR ? -ENODEV : -EACCES;
    return 0;
}

/* Fresh pages with the file's bytes from offset; past its end, zeros.  A
 * folder (read says EISDIR) cannot be mapped: ENODEV, as on Linux. */
static long map_copy(struct open_file *file, uint64_t addr, uint64_t len, int flags,
                     uint64_t offset)
{
    long mapped = kiln_memory_map(addr, len, flags);

    if (mapped < 0)
        return mapped;
    struct iovec piece = {.iov_base = (void *)(uintptr_t)mapped, .iov_len = len};
    long got = file->ops->read(file, &piece, 1, &offset);
    if (got >= 0)
        return mapped;
    kiln_memory_unmap((uint64_t)mapped, len);
    return got == -EISDIR ? -ENODEV : got;
}

long kiln_file_mmap(const struct syscall_args *args)
{
    uint64_t addr = args->arg1, len = args->arg2, offset = args->arg6;
    int prot = (int)args->arg3, flags = (int)args->arg4;
    struct open_file *file = fd_file((int)args->arg5);

    if (!file)
        return -EBADF;
    long err = check_file(file, prot, flags & MAP_TYPE);
    if (err)
        return err;
    /* In place only within the file's own pages (past them lie other
     * files' bytes), and never for an ELF file's first page: ld.so maps a
     * library's span from there, then its segments over that span with
     * MAP_FIXED, which needs arena pages. */
    const char *bytes = layer_image_bytes(file);
    bool in_place = bytes && !(prot & PROT_WRITE) && !(flags & (MAP_FIXED | MAP_FIXED_NOREPLACE));
    uint64_t size = in_place ? file->layer.node->size : 0;
    uint64_t pages = (size + KILN_PAGE_SIZE - 1) & ~((uint64_t)KILN_PAGE_SIZE - 1);
    bool elf_header = offset == 0 && size >= SELFMAG && bytes[EI_MAG0] == ELFMAG0 &&
                      bytes[EI_MAG1] == ELFMAG1 && bytes[EI_MAG2] == ELFMAG2 &&
                      bytes[EI_MAG3] == ELFMAG3;
    if (offset < size && len <= pages - offset && !elf_header) {
        embedded_pages_want(bytes + offset, min_u64(len, size - offset), size);
        return (long)(uintptr_t)(bytes + offset);
    }
    return map_copy(file, addr, len, flags, offset);
}
