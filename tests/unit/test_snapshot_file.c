#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <limits.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include <kiln/abi.h>

#include "common/bits.h"
#include "monitor/snapshot_file.h"
#include "scratch_dir.h"

#define RAM_SIZE   (16ull << 20)
#define PAGES      (RAM_SIZE / KILN_PAGE_SIZE)
#define XSAVE_SIZE 4096
#define READY_ARGS 88 /* where the header keeps READY's block */
#define HEADER_END 96 /* where the vCPU state starts in the file */

static char dir[sizeof SCRATCH_TEMPLATE];
static char entry_path[PATH_MAX];
static struct content_hash key;
static struct snapshot taken;
static const uint64_t held_pages[] = {0, 1, 2, 256, 257, PAGES - 1};

/* Page page of a snapshot as it was taken: a pattern of its own. */
static uint8_t pattern(uint64_t page, size_t i)
{
    return (uint8_t)(page * 31 + i * 7 + 1);
}

/* A snapshot as snapshot_take() leaves it before the cache: its RAM in a
 * memfd with a few pages, a vCPU state and READY's block. */
static void take_snapshot(void)
{
    taken = (struct snapshot){.name = "/f", .mem_size = RAM_SIZE, .kvm_fd = -1};
    taken.fd = memfd_create("snapshot", MFD_CLOEXEC);
    cr_assert_geq(taken.fd, 0);
    cr_assert_eq(ftruncate(taken.fd, RAM_SIZE), 0);
    uint8_t *mem = mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, taken.fd, 0);
    cr_assert_neq(mem, MAP_FAILED);
    taken.present = bitmap_new(PAGES);
    for (size_t p = 0; p < sizeof held_pages / sizeof held_pages[0]; p++) {
        bitmap_set(taken.present, held_pages[p]);
        for (size_t i = 0; i < KILN_PAGE_SIZE; i++)
            mem[held_pages[p] * KILN_PAGE_SIZE + i] = pattern(held_pages[p], i);
    }
    taken.mem = mem;
    taken.vcpu.regs.rip = 0x401000;
    taken.vcpu.sregs.cr3 = 0x2000;
    taken.vcpu.msrs.header.nmsrs = VCPU_STATE_MSRS;
    taken.vcpu.xsave = calloc(1, XSAVE_SIZE);
    taken.vcpu.xsave_size = XSAVE_SIZE;
    memset(taken.vcpu.xsave, 0x5a, XSAVE_SIZE);
    taken.ready_args = 0x10000;
    taken.env_block = 0x20000;
    taken.env_size = 0x10000;
}

static void set_up(void)
{
    char hex[CONTENT_HASH_HEX_SIZE];
    scratch_dir_make(dir);
    key = content_hash_of("the function", 12);
    content_hash_hex(&key, hex);
    cr_assert_lt((size_t)snprintf(entry_path, sizeof entry_path, "%s/snapshots/%s", dir, hex),
                 sizeof entry_path);
    take_snapshot();
}

static void release(struct snapshot *snap)
{
    if (snap->mem != NULL)
        munmap((void *)snap->mem, snap->mem_size);
    if (snap->fd >= 0)
        close(snap->fd);
    free(snap->present);
    vcpu_state_free(&snap->vcpu);
}

static void tear_down(void)
{
    release(&taken);
    scratch_dir_remove(dir);
}

/* What a server that finds the entry starts from. */
static struct snapshot empty(void)
{
    return (struct snapshot){.name = "/f", .mem_size = RAM_SIZE, .fd = -1, .kvm_fd = -1};
}

static void save(void)
{
    char path[PATH_MAX];
    cr_assert_eq(snapshot_file_path(path, sizeof path, dir, &key), 0);
    cr_assert_str_eq(path, entry_path);
    cr_assert_eq(snapshot_file_save(&taken, entry_path, &key), 0);
}

static void expect_pages(const uint8_t *mem, const uint64_t *present)
{
    for (uint64_t page = 0; page < PAGES; page++) {
        cr_assert_eq(bitmap_test(present, page), bitmap_test(taken.present, page), "page %lu",
                     page);
        if (!bitmap_test(present, page))
            continue;
        for (size_t i = 0; i < KILN_PAGE_SIZE; i++)
            cr_assert_eq(mem[page * KILN_PAGE_SIZE + i], pattern(page, i), "page %lu", page);
    }
}

TestSuite(snapshot_file, .init = set_up, .fini = tear_down);

Test(snapshot_file, gives_back_the_state_the_block_and_the_pages)
{
    struct snapshot found = empty();
    save();
    cr_assert_eq(snapshot_file_load(&found, entry_path, &key), 1);
    cr_assert_eq(found.vcpu.regs.rip, 0x401000);
    cr_assert_eq(found.vcpu.sregs.cr3, 0x2000);
    cr_assert_eq(found.vcpu.msrs.header.nmsrs, VCPU_STATE_MSRS);
    cr_assert_eq(found.vcpu.xsave_size, XSAVE_SIZE);
    cr_assert_eq(memcmp(found.vcpu.xsave, taken.vcpu.xsave, XSAVE_SIZE), 0);
    cr_assert_eq(found.ready_args, taken.ready_args);
    cr_assert_eq(found.env_block, taken.env_block);
    cr_assert_eq(found.env_size, taken.env_size);
    cr_assert_eq(found.mem_offset % KILN_PAGE_SIZE, 0);
    expect_pages(found.mem, found.present);
    release(&found);
}

Test(snapshot_file, the_taken_snapshot_moves_onto_the_entry)
{
    struct stat entry, now;
    save();
    cr_assert_eq(stat(entry_path, &entry), 0);
    cr_assert_eq(fstat(taken.fd, &now), 0);
    cr_assert_eq(now.st_ino, entry.st_ino, "the snapshot still keeps its memfd");
    cr_assert_neq(taken.mem_offset, 0);
    expect_pages(taken.mem, taken.present);
}

Test(snapshot_file, only_the_held_pages_take_disk)
{
    struct stat st;
    save();
    cr_assert_eq(stat(entry_path, &st), 0);
    cr_assert_eq((uint64_t)st.st_size, taken.mem_offset + RAM_SIZE);
    cr_assert_lt((uint64_t)st.st_blocks * 512, 1ull << 20, "the holes were written");
}

Test(snapshot_file, a_clone_maps_the_entry_s_pages_at_their_addresses)
{
    struct guest_mem ram;
    save();
    cr_assert_eq(guest_mem_map(&ram, RAM_SIZE), 0);
    cr_assert_eq(guest_mem_map_pages(&ram, taken.fd, taken.mem_offset, taken.present), 0);
    expect_pages(ram.host, taken.present);
    cr_assert_eq(ram.host[3 * KILN_PAGE_SIZE], 0, "a page the snapshot does not hold");
    ram.host[0] ^= 0xff;
    guest_mem_unmap(&ram);
    expect_pages(taken.mem, taken.present);
}

Test(snapshot_file, a_missing_entry_is_a_quiet_miss, .init = cr_redirect_stderr)
{
    struct snapshot found = empty();
    cr_assert_eq(snapshot_file_load(&found, entry_path, &key), 0);
    fflush(stderr);
    cr_assert_stderr_eq_str("");
}

/* The entry damaged, then read: none, and the entry gone, said in one
 * line. */
static void expect_dropped(const char *why)
{
    char expected[PATH_MAX + 100];
    struct snapshot found = empty();
    cr_assert_eq(snapshot_file_load(&found, entry_path, &key), 0);
    cr_assert_null(found.mem);
    cr_assert_null(found.present);
    cr_assert_eq(found.fd, -1);
    cr_assert_neq(access(entry_path, F_OK), 0, "the corrupt entry is still there");
    fflush(stderr);
    snprintf(expected, sizeof expected,
             "kiln: %s: corrupt cache entry (%s); removed, rebuilding it\n", entry_path, why);
    cr_assert_stderr_eq_str(expected);
}

Test(snapshot_file, a_flipped_byte_in_a_page_is_reported_and_dropped, .init = cr_redirect_stderr)
{
    save();
    scratch_flip_byte(entry_path, (off_t)(taken.mem_offset + 257 * KILN_PAGE_SIZE + 99));
    expect_dropped("content does not match its hash");
}

Test(snapshot_file, a_flipped_byte_in_the_state_is_reported_and_dropped, .init = cr_redirect_stderr)
{
    save();
    scratch_flip_byte(entry_path, HEADER_END + 8);
    expect_dropped("content does not match its hash");
}

Test(snapshot_file, a_flipped_byte_in_the_header_is_reported_and_dropped,
     .init = cr_redirect_stderr)
{
    save();
    scratch_flip_byte(entry_path, READY_ARGS + 1);
    expect_dropped("content does not match its hash");
}

Test(snapshot_file, a_truncated_entry_is_reported_and_dropped, .init = cr_redirect_stderr)
{
    save();
    cr_assert_eq(truncate(entry_path, (off_t)(taken.mem_offset + KILN_PAGE_SIZE)), 0);
    expect_dropped("truncated");
}

Test(snapshot_file, an_entry_shorter_than_its_header_is_reported_and_dropped,
     .init = cr_redirect_stderr)
{
    save();
    cr_assert_eq(truncate(entry_path, 40), 0);
    expect_dropped("shorter than its header");
}

Test(snapshot_file, an_entry_under_another_key_is_reported_and_dropped, .init = cr_redirect_stderr)
{
    save();
    key = content_hash_of("another function", 16);
    expect_dropped("made for another snapshot");
}

Test(snapshot_file, an_entry_of_another_memory_size_is_reported_and_dropped,
     .init = cr_redirect_stderr)
{
    struct snapshot found = empty();
    save();
    found.mem_size = 2 * RAM_SIZE;
    cr_assert_eq(snapshot_file_load(&found, entry_path, &key), 0);
    cr_assert_neq(access(entry_path, F_OK), 0, "the entry is still there");
}

/* A snapshot ready to be keyed: an image with embedded files and KVM's
 * CPUID. */
struct keyed {
    struct snapshot snap;
    uint8_t file[2 * KILN_PAGE_SIZE];
    struct {
        struct kvm_cpuid2 header;
        struct kvm_cpuid_entry2 entries[1];
    } cpuid;
};

static void keyed_init(struct keyed *keyed)
{
    memset(keyed, 0, sizeof *keyed);
    keyed->snap = empty();
    keyed->snap.image.file.bytes = keyed->file;
    keyed->snap.image.file.size = sizeof keyed->file;
    keyed->snap.image.image.files = (struct image_files){
        .gpa = 0x200000, .file_offset = KILN_PAGE_SIZE, .size = KILN_PAGE_SIZE};
    keyed->cpuid.header.nent = 1;
    keyed->cpuid.entries[0].function = 7;
    keyed->snap.cpuid = &keyed->cpuid.header;
}

static struct content_hash key_of(const struct keyed *keyed, const char *arg)
{
    char *const argv[] = {(char *)arg, NULL};
    return snapshot_file_key(&keyed->snap, 1, argv);
}

static void expect_other_key(const struct keyed *keyed, const struct content_hash *before)
{
    struct content_hash after = key_of(keyed, "app");
    cr_assert_not(content_hash_equal(&after, before));
}

Test(snapshot_file, the_key_covers_argv_memory_cpuid_and_embedded_files)
{
    static struct keyed keyed;
    keyed_init(&keyed);
    struct content_hash first = key_of(&keyed, "app"), again = key_of(&keyed, "app"),
                        other_arg = key_of(&keyed, "app2");
    cr_assert(content_hash_equal(&first, &again));
    cr_assert_not(content_hash_equal(&first, &other_arg));
    keyed.snap.mem_size *= 2;
    expect_other_key(&keyed, &first);
    keyed_init(&keyed);
    keyed.cpuid.entries[0].ebx = 1;
    expect_other_key(&keyed, &first);
    keyed_init(&keyed);
    keyed.file[KILN_PAGE_SIZE + 5] = 1;
    expect_other_key(&keyed, &first);
    keyed_init(&keyed);
    keyed.snap.image.hash = content_hash_of("another image", 13);
    expect_other_key(&keyed, &first);
}
