/*
 * Taking a snapshot: boot the image with its RAM in a memfd, run it up to
 * READY, save the vCPU, then seal the memfd and keep it read-only.  The
 * memfd holds only the pages the boot touched (tmpfs leaves the rest as
 * holes), which SEEK_DATA finds: the snapshot's size is what it uses.
 */
#include "snapshot.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <kiln/abi.h>

#include "boot.h"
#include "boot_info.h"
#include "exits.h"
#include "image.h"
#include "prepared_image.h"
#include "request_io.h"
#include "timeout.h"
#include "ram_backing.h"
#include "vm.h"

#define BITS_PER_WORD 64
#define CONSTRUCTOR_OUTPUT_MAX (1u << 20)
#define ALL_SEALS (F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL)

static int fail(const struct snapshot *snap, const char *what)
{
    fprintf(stderr, "kiln: %s: %s: %s\n", snap->name, what, strerror(errno));
    return -1;
}

static int create_memfd(struct snapshot *snap)
{
    snap->memfd = memfd_create("kiln-snapshot", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    if (snap->memfd < 0)
        return fail(snap, "creating the snapshot's memory");
    if (ftruncate(snap->memfd, (off_t)snap->mem_size) != 0)
        return fail(snap, "sizing the snapshot's memory");
    return 0;
}

/* The guest's exit, crash or timeout is reported already; this says why
 * there is no snapshot after a clean exit. */
static int check_ready(const struct snapshot *snap, const struct vm *vm)
{
    if (vm->ready_args != 0)
        return 0;
    if (vm->result.outcome == MONITOR_EXITED)
        fprintf(stderr, "kiln: %s: the program exited (status %d) without making READY: was "
                        "it built by an older kiln?\n", snap->name, vm->result.status);
    return -1;
}

static int boot_to_ready(struct snapshot *snap, struct vm *vm,
                         const struct prepared_image *image,
                         const struct snapshot_options *options)
{
    char *const no_env[] = {NULL};
    struct request_io io;
    int rc = guest_mem_map_shared(&vm->mem, snap->memfd, snap->mem_size);
    if (rc != 0) {
        errno = -rc;
        return fail(snap, "mapping the snapshot's memory");
    }
    if (ram_back_all(vm, 0) != 0 || vm_create_vcpu(vm) != 0 ||
        boot_guest(vm, image, options->argc, options->argv, no_env) != 0)
        return -1;
    boot_info_add_flags(&vm->mem, KILN_BOOT_SERVE);
    /* What constructors write to stdout is taken, then dropped: a refused
     * write would leave stdout's error flag set in every request. */
    request_io_start(&io, snap->name, NULL, 0, CONSTRUCTOR_OUTPUT_MAX);
    vm->request_io = &io;
    if (timeout_arm(vm) == 0)
        exits_run(vm);
    timeout_disarm(vm);
    request_io_finish(&io);
    free(io.output);
    vm->request_io = NULL;
    return check_ready(snap, vm);
}

/* Where READY asked each request's environment to go: 8-byte aligned RAM. */
static int keep_ready_args(struct snapshot *snap, const struct vm *vm)
{
    const struct kiln_hc_ready *args = guest_mem_at(&vm->mem, vm->ready_args, sizeof *args);
    if (args->block % sizeof(uint64_t) != 0 || args->size < sizeof(uint64_t) ||
        guest_mem_at(&vm->mem, args->block, args->size) == NULL) {
        fprintf(stderr, "kiln: %s: READY's environment block (0x%lx, %lu bytes) is not 8-byte "
                        "aligned guest RAM\n", snap->name, args->block, args->size);
        return -1;
    }
    snap->ready_args = vm->ready_args;
    snap->env_block = args->block;
    snap->env_size = args->size;
    snap->stack_guard = vm->stack_guard;
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

static int boot_and_save(struct snapshot *snap, const struct snapshot_options *options)
{
    struct prepared_image *image = &snap->image;
    struct monitor_options image_options = {.image_path = options->image_path};
    if (prepared_image_open(image, &image_options, options->image_name) != 0)
        return -1;
    snap->mem_size = options->mem_size ? options->mem_size : image->image.note.default_mem;
    keep_code_range(snap, &image->image);
    struct vm vm = {
        VM_UNOPENED,
        .name = snap->name,
        .image = &image->image,
        .timeout_ms = options->timeout_ms,
        .serving = true,
    };
    int rc = -1;
    if (boot_check_memory(&image->image, snap->mem_size) == 0 && create_memfd(snap) == 0 &&
        vm_open(&vm) == 0 && boot_to_ready(snap, &vm, image, options) == 0 &&
        vcpu_state_save(&vm, &snap->vcpu) == 0)
        rc = keep_ready_args(snap, &vm);
    vm_destroy(&vm);
    return rc;
}

static void mark_present(struct snapshot *snap, uint64_t start, uint64_t end)
{
    for (uint64_t page = start / KILN_PAGE_SIZE; page * KILN_PAGE_SIZE < end; page++)
        snap->present[page / BITS_PER_WORD] |= 1ull << (page % BITS_PER_WORD);
}

static int find_present_pages(struct snapshot *snap)
{
    uint64_t pages = snap->mem_size / KILN_PAGE_SIZE;
    snap->present = calloc((pages + BITS_PER_WORD - 1) / BITS_PER_WORD, sizeof *snap->present);
    if (snap->present == NULL)
        return fail(snap, "allocating the snapshot's page map");
    for (off_t at = 0;;) {
        off_t data = lseek(snap->memfd, at, SEEK_DATA);
        if (data < 0)
            return errno == ENXIO ? 0 : fail(snap, "finding the snapshot's pages");
        off_t hole = lseek(snap->memfd, data, SEEK_HOLE);
        if (hole < 0)
            return fail(snap, "finding the snapshot's pages");
        mark_present(snap, (uint64_t)data, (uint64_t)hole);
        at = hole;
    }
}

static int seal_and_map(struct snapshot *snap)
{
    if (fcntl(snap->memfd, F_ADD_SEALS, ALL_SEALS) != 0)
        return fail(snap, "sealing the snapshot");
    void *mem = mmap(NULL, snap->mem_size, PROT_READ, MAP_SHARED | MAP_NORESERVE, snap->memfd, 0);
    if (mem == MAP_FAILED)
        return fail(snap, "mapping the snapshot");
    snap->mem = mem;
    return 0;
}

int snapshot_take(struct snapshot *snap, const struct snapshot_options *options)
{
    *snap = (struct snapshot){.name = options->name, .memfd = -1, .image.cached.fd = -1};
    if (boot_and_save(snap, options) != 0 || find_present_pages(snap) != 0 ||
        seal_and_map(snap) != 0) {
        snapshot_release(snap);
        return -1;
    }
    return 0;
}

void snapshot_release(struct snapshot *snap)
{
    if (snap->mem)
        munmap((void *)snap->mem, snap->mem_size);
    if (snap->memfd >= 0)
        close(snap->memfd);
    free(snap->present);
    vcpu_state_free(&snap->vcpu);
    prepared_image_close(&snap->image);
    *snap = (struct snapshot){.memfd = -1, .image.cached.fd = -1};
}

/* Each run of present pages is one copy-on-write mapping of the memfd
 * over the anonymous reservation. */
static int map_present_runs(const struct snapshot *snap, uint8_t *host)
{
    uint64_t pages = snap->mem_size / KILN_PAGE_SIZE;
    for (uint64_t page = 0; page < pages;) {
        if (!snapshot_has_page(snap, page)) {
            page++;
            continue;
        }
        uint64_t end = page;
        while (end < pages && snapshot_has_page(snap, end))
            end++;
        off_t offset = (off_t)(page * KILN_PAGE_SIZE);
        size_t len = (end - page) * KILN_PAGE_SIZE;
        if (mmap(host + offset, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED, snap->memfd,
                 offset) == MAP_FAILED)
            return -errno;
        page = end;
    }
    return 0;
}

int snapshot_map_ram(const struct snapshot *snap, struct guest_mem *mem)
{
    int rc = guest_mem_map(mem, snap->mem_size);
    if (rc == 0)
        rc = map_present_runs(snap, mem->host);
    if (rc != 0) {
        guest_mem_unmap(mem);
        errno = -rc;
        return fail(snap, "mapping a clone's memory");
    }
    return 0;
}
