#include "fake_vm.h"

#include <elf.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <kiln/abi.h>

#include "monitor/image.h"
#include "monitor/strace.h"
#include "monitor/volume_path.h"
#include "monitor/volumes.h"

/* The code the backtrace of an ABORT may return into. */
#define FAKE_CODE_SIZE 0x10000

static struct vm vm;
static struct strace strace = {.print_calls = true};
static struct image image = {
    .name = "fuzz.kiln",
    .segments = {{.gpa = KILN_IMAGE_BASE, .file_size = FAKE_CODE_SIZE, .flags = PF_R | PF_X}},
    .segment_count = 1,
};

/* Takes every write, has nothing to read, which is there at once. */
static int64_t take_all(void *context, uint32_t fd, const uint8_t *bytes, uint64_t len)
{
    (void)context;
    (void)fd;
    (void)bytes;
    return (int64_t)len;
}

static int input_at_once(void *context, int64_t deadline_ns, int wake_fd)
{
    (void)context;
    (void)deadline_ns;
    (void)wake_fd;
    return 1;
}

static int64_t nothing_to_read(void *context, uint8_t *buf, uint64_t len, int64_t deadline_ns,
                               int wake_fd)
{
    (void)context;
    (void)buf;
    (void)len;
    (void)deadline_ns;
    (void)wake_fd;
    return 0;
}

/* The volumes' folder: a scratch folder with a file, a folder and links
 * out, served twice, read-write as /v and read-only as /r; volume 2 is in
 * memory, which no call may reach. */
static char volume_dir[] = "/tmp/kiln-fuzz-XXXXXX";
static const struct monitor_volume volume_specs[] = {
    {.host = volume_dir, .guest = "/v"},
    {.host = volume_dir, .guest = "/r", .read_only = true},
    {.guest = "/m", .in_memory = true},
};

static int remove_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st;
    (void)type;
    (void)ftw;
    chmod(path, 0700);
    return remove(path);
}

static void remove_volume_dir(void)
{
    nftw(volume_dir, remove_one, 8, FTW_DEPTH | FTW_PHYS);
}

static void make_volumes(void)
{
    if (mkdtemp(volume_dir) == NULL)
        abort();
    atexit(remove_volume_dir);
    int dir = open(volume_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    mkdirat(dir, "d", 0755);
    symlinkat("/etc", dir, "etc");
    symlinkat("..", dir, "up");
    close(dir);
    if (volumes_open(&vm.volumes, volume_specs, sizeof volume_specs / sizeof volume_specs[0],
                     "/v") != 0)
        abort();
}

/* Handles 0, 1 and 2, afresh for each input: a file of /v, the folder /v
 * and a file of /r, for the calls on handles to work on. */
static void open_handles(void)
{
    static const struct {
        uint32_t volume;
        const char *path;
        uint64_t flags;
    } handles[] = {
        {0, "f", O_RDWR | O_CREAT},
        {0, "", O_RDONLY | O_DIRECTORY},
        {1, "f", O_RDONLY},
    };
    for (uint32_t i = 0; i < KILN_HANDLES_MAX; i++)
        volumes_drop_handle(vm.volumes, i);
    for (size_t i = 0; i < sizeof handles / sizeof handles[0]; i++) {
        int fd = volume_resolve(vm.volumes->list[handles[i].volume].root, handles[i].path,
                                handles[i].flags, 0644);
        if (fd >= 0)
            volumes_add_handle(vm.volumes, fd, handles[i].volume);
    }
}

static void fake_vm_create(void)
{
    if (guest_mem_map(&vm.mem, FAKE_VM_RAM) != 0)
        abort();
    vm.name = "fuzz.kiln";
    vm.image = &image;
    vm.kvm_fd = vm.vm_fd = vm.vcpu_fd = -1;
    /* All of RAM backed already: MEMORY checks its range and asks no KVM. */
    vm.backing = (struct ram_backing){.low_end = FAKE_VM_RAM, .high_start = FAKE_VM_RAM};
    vm.serving = true;
    vm.io = (struct guest_io){.write = take_all, .read = nothing_to_read, .wait = input_at_once};
    vm.stack_guard = KILN_IMAGE_BASE - KILN_PAGE_SIZE;
    vm.strace = &strace;
    make_volumes();
}

struct vm *fake_vm_reset(const uint8_t *bytes, size_t size)
{
    if (vm.mem.host == NULL)
        fake_vm_create();
    uint8_t *ram = vm.mem.host + KILN_IMAGE_BASE;
    size_t room = FAKE_VM_RAM - KILN_IMAGE_BASE;
    memset(ram, 0, room);
    memcpy(ram, bytes, size < room ? size : room);
    vm.deadline_ns = 1;
    vm.stopped = false;
    vm.ready_args = 0;
    vm.result = (struct monitor_result){0};
    strace.missing_count = 0;
    open_handles();
    return &vm;
}
