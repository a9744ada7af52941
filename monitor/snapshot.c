/*
 * Taking a snapshot: map it from the cache when it is there
 * (snapshot_file.h).  Else boot the image with its RAM in a memfd, run it
 * up to READY, save the vCPU, then seal the memfd and keep it read-only;
 * with a cache, write it there and move onto the entry.  The memfd holds
 * only the pages the boot touched (tmpfs leaves the rest as holes), which
 * SEEK_DATA finds: the snapshot's size is what it uses.
 */
#include "snapshot.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <kiln/abi.h>

#include "boot.h"
#include "boot_info.h"
#include "common/bits.h"
#include "common/report.h"
#include "exits.h"
#include "image.h"
#include "snapshot_file.h"
#include "timeout.h"
#include "vm.h"

#define ALL_SEALS (F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL)

static int create_memfd(struct snapshot *snap)
{
    snap->fd = memfd_create("kiln-snapshot", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    if (snap->fd < 0)
        return report_errno(snap->name, "creating the snapshot's memory");
    if (ftruncate(snap->fd, (off_t)snap->mem_size) != 0)
        return report_errno(snap->name, "sizing the snapshot's memory");
    return 0;
}

/* The guest's exit, crash or timeout is reported already; this says why
 * there is no snapshot after a clean exit. */
static int check_ready(const struct snapshot *snap, const struct vm *vm)
{
    if (vm->ready_args != 0)
        return 0;
    if (vm->result.outcome == MONITOR_EXITED)
        report("%s: the program exited (status %d) without making READY: was it built by an "
               "older kiln?",
               snap->name, vm->result.status);
    return -1;
}

static int boot_to_ready(struct snapshot *snap, struct vm *vm,
                         const struct snapshot_options *options)
{
    char *const no_env[] = {NULL};
    /* READY comes from the runtime's part of a C program's libc start-up,
     * which a program with its own libc does not run. */
    if (snap->image.image.has_program)
        return report("%s: an unmodified Linux program cannot be served: kiln serve runs "
                      "programs built by kiln build from C",
                      snap->name);
    if (boot_guest(vm, &snap->image, options->argc, options->argv, no_env) != 0)
        return -1;
    /* Before the guest changes it, as kiln run does. */
    prepared_image_keep(&snap->image, &vm->mem);
    boot_info_add_flags(&vm->mem, KILN_BOOT_SERVE);
    if (timeout_start(vm) == 0)
        exits_run(vm);
    timeout_cancel(vm);
    return check_ready(snap, vm);
}

/* Where READY asked each request's environment to go: 8-byte aligned RAM. */
static int keep_ready_args(struct snapshot *snap, const struct vm *vm)
{
    const struct kiln_hc_ready *args = guest_mem_at(&vm->mem, vm->ready_args, sizeof *args);
    if (args->block % sizeof(uint64_t) != 0 || args->size < sizeof(uint64_t) ||
        guest_mem_at(&vm->mem, args->block, args->size) == NULL) {
        return report("%s: READY's environment block (0x%lx, %lu bytes) is not 8-byte aligned "
                      "guest RAM",
                      snap->name, args->block, args->size);
    }
    snap->ready_args = vm->ready_args;
    snap->env_block = args->block;
    snap->env_size = args->size;
    return 0;
}

static void keep_code_range(struct snapshot *snap, const struct image *image)
{
    snap->code_start = UINT64_MAX;
    for (unsigned i = 0; i < image->segment_count; i++) {
        const struct image_segment *segment = &image->segments[i];
        if (!(segment->flags & PF_X))
            continue;
        if (segment->gpa < snap->code_start)
            snap->code_start = segment->gpa;
        if (segment->gpa + segment->mem_size > snap->code_end)
            snap->code_end = segment->gpa + segment->mem_size;
    }
}

static int open_image(struct snapshot *snap, const struct snapshot_options *options)
{
    struct prepared_image *image = &snap->image;
    struct monitor_options image_options = {.image_path = options->image_path,
                                            .cache_dir = options->cache_dir};
    if (prepared_image_open(image, &image_options, options->image_name) != 0)
        return -1;
    snap->mem_size = options->mem_size ? options->mem_size : image->image.note.default_mem;
    keep_code_range(snap, &image->image);
    return 0;
}

static int boot_and_save(struct snapshot *snap, const struct snapshot_options *options)
{
    if (create_memfd(snap) != 0)
        return -1;
    struct vm_config config = {
        .name = snap->name,
        .image = &snap->image.image,
        .mem_size = snap->mem_size,
        .ram = VM_RAM_SHARED,
        .ram_fd = snap->fd,
        .io = options->io,
        .timeout_ms = options->timeout_ms,
        .kvm_fd = snap->kvm_fd,
        .cpuid = snap->cpuid,
        .cache_dir = snap->cache_dir,
        .serving = true,
    };
    struct vm vm;
    int rc = -1;
    if (vm_create(&vm, &config) == 0 && boot_to_ready(snap, &vm, options) == 0 &&
        vcpu_state_save(&vm, &snap->vcpu) == 0)
        rc = keep_ready_args(snap, &vm);
    vm_destroy(&vm);
    return rc;
}

static void mark_present(struct snapshot *snap, uint64_t start, uint64_t end)
{
    for (uint64_t page = start / KILN_PAGE_SIZE; page * KILN_PAGE_SIZE < end; page++)
        bitmap_set(snap->present, page);
}

static int find_present_pages(struct snapshot *snap)
{
    snap->present = bitmap_new(snap->mem_size / KILN_PAGE_SIZE);
    if (snap->present == NULL)
        return report_errno(snap->name, "allocating the snapshot's page map");
    for (off_t at = 0;;) {
        off_t data = lseek(snap->fd, at, SEEK_DATA);
        if (data < 0)
            return errno == ENXIO ? 0 : report_errno(snap->name, "finding the snapshot's pages");
        off_t hole = lseek(snap->fd, data, SEEK_HOLE);
        if (hole < 0)
            return report_errno(snap->name, "finding the snapshot's pages");
        mark_present(snap, (uint64_t)data, (uint64_t)hole);
        at = hole;
    }
}

static int seal_and_map(struct snapshot *snap)
{
    if (fcntl(snap->fd, F_ADD_SEALS, ALL_SEALS) != 0)
        return report_errno(snap->name, "sealing the snapshot");
    void *mem = mmap(NULL, snap->mem_size, PROT_READ, MAP_SHARED | MAP_NORESERVE, snap->fd, 0);
    if (mem == MAP_FAILED)
        return report_errno(snap->name, "mapping the snapshot");
    snap->mem = mem;
    return 0;
}

static int take(struct snapshot *snap, const struct snapshot_options *options)
{
    if (boot_and_save(snap, options) != 0 || find_present_pages(snap) != 0)
        return -1;
    return seal_and_map(snap);
}

/* An entry that cannot be written is reported; the snapshot then stays
 * in its memfd. */
static int load_or_take(struct snapshot *snap, const struct snapshot_options *options)
{
    char path[PATH_MAX];
    if (snap->cache_dir == NULL)
        return take(snap, options);
    struct content_hash key = snapshot_file_key(snap, options->argc, options->argv);
    if (snapshot_file_path(path, sizeof path, snap->cache_dir, &key) != 0)
        return take(snap, options);
    snap->from_cache = snapshot_file_load(snap, path, &key);
    if (snap->from_cache)
        return 0;
    if (take(snap, options) != 0)
        return -1;
    snapshot_file_save(snap, path, &key);
    return 0;
}

int snapshot_take(struct snapshot *snap, const struct snapshot_options *options)
{
    *snap = (struct snapshot){.name = options->name,
                              .fd = -1,
                              .kvm_fd = options->kvm_fd,
                              .cpuid = options->cpuid,
                              .cache_dir = options->cache_dir,
                              .image.cached.fd = -1};
    if (open_image(snap, options) != 0 || load_or_take(snap, options) != 0) {
        snapshot_release(snap);
        return -1;
    }
    return 0;
}

void snapshot_release(struct snapshot *snap)
{
    if (snap->mem)
        munmap((void *)snap->mem, snap->mem_size);
    if (snap->fd >= 0)
        close(snap->fd);
    free(snap->present);
    vcpu_state_free(&snap->vcpu);
    prepared_image_close(&snap->image);
    *snap = (struct snapshot){.fd = -1, .image.cached.fd = -1};
}
