#include "snapshot_file.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <kiln/abi.h>
#include <kiln/version.h>

#include "common/atomic_file.h"
#include "common/bits.h"
#include "common/cache_entry.h"
#include "common/file_io.h"
#include "common/report.h"

#define SNAPSHOT_MAGIC  "KILNSNAP"
#define SNAPSHOT_FORMAT 1          /* bump when the header, the state or the layout changes */
#define XSAVE_MAX       (1u << 20) /* far above any CPU's XSAVE area (with AMX: 11 KiB) */
#define STATE_PARTS     7

struct snapshot_header {
    char magic[8];
    uint32_t format;
    uint32_t pad;
    struct content_hash hash; /* of all that follows it, the pages the bitmap marks included */
    struct content_hash key;  /* the entry's name */
    uint64_t mem_size;
    uint64_t mem_offset; /* where guest-physical 0 lies: past the bitmap, page-aligned */
    uint64_t xsave_size;
    uint64_t env_block;
    uint64_t env_size;
    uint32_t ready_args;
    uint32_t pad2;
};
_Static_assert(sizeof(struct snapshot_header) == 96, "snapshot_header layout");

#define HASHED_FROM offsetof(struct snapshot_header, key)

/* Hashes the bytes of a string, its NUL included, so that ("ab", "c")
 * and ("a", "bc") differ. */
static void add_string(struct content_hasher *hasher, const char *text)
{
    content_hasher_add(hasher, text, strlen(text) + 1);
}

/* The embedded files are in the key although the entry never holds their
 * pages: constructors that run before READY may read them and keep what
 * they found.  The image's hash leaves them out (prepared_image.c). */
struct content_hash snapshot_file_key(const struct snapshot *snap, int argc, char *const *argv)
{
    const struct image_files *files = &snap->image.image.files;
    const struct kvm_cpuid2 *cpuid = snap->cpuid;
    int xsave_size = ioctl(snap->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_XSAVE2);
    uint64_t numbers[] = {SNAPSHOT_FORMAT, snap->mem_size, (uint64_t)argc, (uint64_t)xsave_size};
    struct content_hasher hasher;
    content_hasher_start(&hasher);
    add_string(&hasher, SNAPSHOT_MAGIC " " KILN_VERSION);
    content_hasher_add(&hasher, numbers, sizeof numbers);
    content_hasher_add(&hasher, &snap->image.hash, sizeof snap->image.hash);
    content_hasher_add(&hasher, snap->image.file.bytes + files->file_offset, files->size);
    for (int i = 0; i < argc; i++)
        add_string(&hasher, argv[i]);
    content_hasher_add(&hasher, cpuid,
                       sizeof *cpuid + cpuid->nent * sizeof(struct kvm_cpuid_entry2));
    return content_hasher_digest(&hasher);
}

int snapshot_file_path(char *path, size_t path_size, const char *cache_dir,
                       const struct content_hash *key)
{
    return cache_entry_path(path, path_size, cache_dir, CACHE_SNAPSHOTS, key, "");
}

/* Every field of the vCPU state, in the order the file holds them. */
static void state_parts(struct vcpu_state *state, struct iovec parts[STATE_PARTS])
{
    const struct iovec all[STATE_PARTS] = {
        {&state->regs, sizeof state->regs},     {&state->sregs, sizeof state->sregs},
        {&state->xcrs, sizeof state->xcrs},     {&state->debugregs, sizeof state->debugregs},
        {&state->events, sizeof state->events}, {&state->msrs, sizeof state->msrs},
        {state->xsave, state->xsave_size},
    };
    memcpy(parts, all, sizeof all);
}

static uint64_t page_count(uint64_t mem_size)
{
    return mem_size / KILN_PAGE_SIZE;
}

static uint64_t bitmap_size(uint64_t mem_size)
{
    return bitmap_words(page_count(mem_size)) * sizeof(uint64_t);
}

/* The header, the state and the bitmap come first, then RAM from the
 * next page, so that it can be mapped. */
static uint64_t mem_offset_of(uint64_t xsave_size, uint64_t mem_size)
{
    struct vcpu_state sizes = {.xsave_size = xsave_size};
    struct iovec state[STATE_PARTS];
    state_parts(&sizes, state);
    uint64_t size = sizeof(struct snapshot_header) + bitmap_size(mem_size);
    for (size_t i = 0; i < STATE_PARTS; i++)
        size += state[i].iov_len;
    return ALIGN_UP(size, KILN_PAGE_SIZE);
}

static struct content_hash hash_entry(const struct snapshot_header *header,
                                      const struct iovec state[STATE_PARTS],
                                      const uint64_t *present, const uint8_t *mem)
{
    struct content_hasher hasher;
    content_hasher_start(&hasher);
    content_hasher_add(&hasher, (const uint8_t *)header + HASHED_FROM,
                       sizeof *header - HASHED_FROM);
    for (size_t i = 0; i < STATE_PARTS; i++)
        content_hasher_add(&hasher, state[i].iov_base, state[i].iov_len);
    content_hasher_add(&hasher, present, bitmap_size(header->mem_size));
    uint64_t start, end = 0;
    while (bitmap_next_run(present, page_count(header->mem_size), end, &start, &end))
        content_hasher_add(&hasher, mem + start * KILN_PAGE_SIZE, (end - start) * KILN_PAGE_SIZE);
    return content_hasher_digest(&hasher);
}

/* RAM as the clones see it, read-only: the reset copies from here. */
static const uint8_t *map_ram(int fd, uint64_t offset, uint64_t size)
{
    void *mem = mmap(NULL, size, PROT_READ, MAP_SHARED | MAP_NORESERVE, fd, (off_t)offset);
    return mem != MAP_FAILED ? mem : NULL;
}

/* Reads size bytes from offset; false when the file has fewer. */
static bool read_at(int fd, uint64_t offset, void *bytes, uint64_t size)
{
    return lseek(fd, (off_t)offset, SEEK_SET) >= 0 && read_all(fd, bytes, size) == (ssize_t)size;
}

static bool write_at(int fd, uint64_t offset, const void *bytes, uint64_t size)
{
    return lseek(fd, (off_t)offset, SEEK_SET) >= 0 && write_all(fd, bytes, size) == (ssize_t)size;
}

static bool in_ram(uint64_t gpa, uint64_t len, uint64_t mem_size)
{
    return gpa <= mem_size && len <= mem_size - gpa;
}

/* The header's own fields, before anything is read or mapped by them. */
static const char *header_fault(const struct snapshot_header *header,
                                const struct content_hash *key, uint64_t mem_size)
{
    if (memcmp(header->magic, SNAPSHOT_MAGIC, sizeof header->magic) != 0 ||
        header->format != SNAPSHOT_FORMAT)
        return "not a kiln snapshot entry";
    if (!content_hash_equal(&header->key, key) || header->mem_size != mem_size)
        return "made for another snapshot";
    if (header->xsave_size < sizeof(struct kvm_xsave) || header->xsave_size > XSAVE_MAX ||
        header->mem_offset != mem_offset_of(header->xsave_size, mem_size) ||
        !in_ram(header->ready_args, sizeof(struct kiln_hc_ready), mem_size) ||
        header->env_block % sizeof(uint64_t) != 0 || header->env_size < sizeof(uint64_t) ||
        !in_ram(header->env_block, header->env_size, mem_size))
        return "malformed header";
    return NULL;
}

static const char *read_header(int fd, struct snapshot_header *header,
                               const struct content_hash *key, uint64_t mem_size)
{
    struct stat st;
    if (fstat(fd, &st) != 0)
        return "unreadable";
    if (!read_at(fd, 0, header, sizeof *header))
        return "shorter than its header";
    const char *fault = header_fault(header, key, mem_size);
    if (fault != NULL)
        return fault;
    uint64_t size = (uint64_t)st.st_size, expected = header->mem_offset + mem_size;
    if (size < expected)
        return "truncated";
    return size > expected ? "longer than its header says" : NULL;
}

static int alloc_state(struct snapshot *snap, uint64_t xsave_size)
{
    snap->vcpu.xsave = calloc(1, xsave_size);
    snap->vcpu.xsave_size = xsave_size;
    snap->present = malloc(bitmap_size(snap->mem_size));
    if (snap->vcpu.xsave == NULL || snap->present == NULL)
        return report_errno(snap->name, "reading the snapshot's cache entry");
    return 0;
}

/* The state, the bitmap and the pages it marks, checked against the
 * header's hash. */
static const char *read_body(struct snapshot *snap, int fd, const struct snapshot_header *header)
{
    struct iovec state[STATE_PARTS];
    state_parts(&snap->vcpu, state);
    uint64_t at = sizeof *header;
    for (size_t i = 0; i < STATE_PARTS; at += state[i++].iov_len)
        if (!read_at(fd, at, state[i].iov_base, state[i].iov_len))
            return "unreadable";
    if (!read_at(fd, at, snap->present, bitmap_size(snap->mem_size)))
        return "unreadable";
    if ((snap->mem = map_ram(fd, header->mem_offset, snap->mem_size)) == NULL)
        return "unreadable";
    struct content_hash hash = hash_entry(header, state, snap->present, snap->mem);
    return content_hash_equal(&hash, &header->hash) ? NULL : "content does not match its hash";
}

/* What an entry that was not taken left behind. */
static void unread(struct snapshot *snap)
{
    if (snap->mem != NULL)
        munmap((void *)snap->mem, snap->mem_size);
    snap->mem = NULL;
    free(snap->present);
    snap->present = NULL;
    vcpu_state_free(&snap->vcpu);
}

static void take_entry(struct snapshot *snap, int fd, const struct snapshot_header *header)
{
    snap->fd = fd;
    snap->mem_offset = header->mem_offset;
    snap->ready_args = header->ready_args;
    snap->env_block = header->env_block;
    snap->env_size = header->env_size;
}

int snapshot_file_load(struct snapshot *snap, const char *path, const struct content_hash *key)
{
    struct snapshot_header header;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno != ENOENT)
            report("%s: cannot read the cache entry: %s", path, strerror(errno));
        return 0;
    }
    const char *fault = read_header(fd, &header, key, snap->mem_size);
    if (fault == NULL && alloc_state(snap, header.xsave_size) != 0) {
        unread(snap);
        close(fd);
        return 0;
    }
    if (fault == NULL && (fault = read_body(snap, fd, &header)) == NULL) {
        take_entry(snap, fd, &header);
        return 1;
    }
    unread(snap);
    close(fd);
    cache_entry_drop(path, fault);
    return 0;
}

/* Only the pages the snapshot holds are written; the rest of RAM is a
 * hole, which costs no disk. */
static bool write_entry(int fd, const struct snapshot_header *header,
                        const struct iovec state[STATE_PARTS], const struct snapshot *snap)
{
    uint64_t at = sizeof *header;
    if (!write_at(fd, 0, header, sizeof *header))
        return false;
    for (size_t i = 0; i < STATE_PARTS; at += state[i++].iov_len)
        if (!write_at(fd, at, state[i].iov_base, state[i].iov_len))
            return false;
    if (!write_at(fd, at, snap->present, bitmap_size(snap->mem_size)))
        return false;
    uint64_t start, end = 0;
    while (bitmap_next_run(snap->present, page_count(snap->mem_size), end, &start, &end))
        if (!write_at(fd, header->mem_offset + start * KILN_PAGE_SIZE,
                      snap->mem + start * KILN_PAGE_SIZE, (end - start) * KILN_PAGE_SIZE))
            return false;
    return ftruncate(fd, (off_t)(header->mem_offset + snap->mem_size)) == 0;
}

static void fill_header(struct snapshot_header *header, const struct snapshot *snap,
                        const struct content_hash *key, const struct iovec state[STATE_PARTS])
{
    *header = (struct snapshot_header){
        .format = SNAPSHOT_FORMAT,
        .ready_args = snap->ready_args,
        .key = *key,
        .mem_size = snap->mem_size,
        .mem_offset = mem_offset_of(snap->vcpu.xsave_size, snap->mem_size),
        .xsave_size = snap->vcpu.xsave_size,
        .env_block = snap->env_block,
        .env_size = snap->env_size,
    };
    memcpy(header->magic, SNAPSHOT_MAGIC, sizeof header->magic);
    header->hash = hash_entry(header, state, snap->present, snap->mem);
}

/* The snapshot leaves its memfd for the entry, whose pages other servers
 * share. */
static int move_onto(struct snapshot *snap, int fd, uint64_t mem_offset)
{
    const uint8_t *mem = map_ram(fd, mem_offset, snap->mem_size);
    if (mem == NULL) {
        report_errno(snap->name, "mapping the snapshot's cache entry");
        close(fd);
        return -1;
    }
    munmap((void *)snap->mem, snap->mem_size);
    close(snap->fd);
    snap->mem = mem;
    snap->fd = fd;
    snap->mem_offset = mem_offset;
    return 0;
}

int snapshot_file_save(struct snapshot *snap, const char *path, const struct content_hash *key)
{
    struct snapshot_header header;
    struct iovec state[STATE_PARTS];
    char temp[PATH_MAX];
    state_parts(&snap->vcpu, state);
    fill_header(&header, snap, key, state);
    if (cache_entry_make_folder(path) != 0)
        return -1;
    int fd = atomic_file_create(path, temp, sizeof temp);
    if (fd < 0)
        return -1;
    if (!write_entry(fd, &header, state, snap)) {
        report("%s: cannot write: %s", path, strerror(errno));
        close(fd);
        unlink(temp);
        return -1;
    }
    if (atomic_file_commit(temp, path) != 0) {
        close(fd);
        return -1;
    }
    return move_onto(snap, fd, header.mem_offset);
}
