#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <elf.h>
#include <limits.h>
#include <sys/stat.h>

#include <kiln/abi.h>

#include "monitor/boot_cache.h"
#include "scratch_dir.h"

#define RAM_SIZE   (16ull << 20)
#define FILE_BYTES 0x1800 /* one and a half pages from the file, then bss */
#define MEM_BYTES  0x3000

static char dir[sizeof SCRATCH_TEMPLATE];
static char entry_path[PATH_MAX];
static struct guest_mem laid_out;
static struct image image;
static Elf64_Phdr phdrs[2];
static struct content_hash key;

/* An image as image_parse would leave it, and its memory as image_load
 * would: one executable segment at 1 MiB, a pattern in its file bytes. */
static void set_up(void)
{
    char hex[CONTENT_HASH_HEX_SIZE];
    scratch_dir_make(dir);
    cr_assert_eq(guest_mem_map(&laid_out, RAM_SIZE), 0);
    uint8_t *bytes = guest_mem_at(&laid_out, KILN_IMAGE_BASE, FILE_BYTES);
    for (size_t i = 0; i < FILE_BYTES; i++)
        bytes[i] = (uint8_t)(i * 7 + 1);
    phdrs[0] = (Elf64_Phdr){.p_type = PT_LOAD, .p_vaddr = KILN_IMAGE_BASE};
    phdrs[1] = (Elf64_Phdr){.p_type = PT_NOTE, .p_vaddr = KILN_IMAGE_BASE + 0x200};
    image = (struct image){
        .name = "app.kiln",
        .entry = KILN_IMAGE_BASE + 0x10,
        .segments = {{.gpa = KILN_IMAGE_BASE,
                      .file_size = FILE_BYTES,
                      .mem_size = MEM_BYTES,
                      .flags = PF_R | PF_W | PF_X}},
        .segment_count = 1,
        .phdrs = (const uint8_t *)phdrs,
        .phdr_count = 2,
        .phdr_size = sizeof(Elf64_Phdr),
        .note = {.abi_version = KILN_ABI_VERSION,
                 .default_mem = KILN_MEM_DEFAULT,
                 .syscall_entry = KILN_IMAGE_BASE + 0x100,
                 .exception_entries = KILN_IMAGE_BASE + 0x400,
                 .events = KILN_IMAGE_BASE + 0x800},
    };
    cr_assert_eq(image_check(&image), 0);
    key = content_hash_of("the image file", 14);
    content_hash_hex(&key, hex);
    cr_assert_lt((size_t)snprintf(entry_path, sizeof entry_path, "%s/boot/%s", dir, hex),
                 sizeof entry_path);
}

static void tear_down(void)
{
    guest_mem_unmap(&laid_out);
    scratch_dir_remove(dir);
}

static int open_entry(struct boot_entry *entry, struct image *found)
{
    return boot_cache_open(entry, found, dir, &key, "app.kiln", false);
}

static void save_and_damage(void (*damage)(void))
{
    set_up();
    boot_cache_save(dir, &key, &image, &laid_out, false);
    damage();
}

static void expect_dropped(const char *why)
{
    struct boot_entry entry;
    struct image found;
    char expected[PATH_MAX + 100];
    cr_assert_eq(open_entry(&entry, &found), 0);
    cr_assert_neq(access(entry_path, F_OK), 0, "the corrupt entry is still there");
    fflush(stderr);
    snprintf(expected, sizeof expected,
             "kiln: %s: corrupt cache entry (%s); removed, rebuilding it\n", entry_path, why);
    cr_assert_stderr_eq_str(expected);
    tear_down();
}

/* Saves the entry, finds it, and maps it into ram, fresh. */
static void map_into(struct guest_mem *ram, struct boot_entry *entry, struct image *found)
{
    boot_cache_save(dir, &key, &image, &laid_out, false);
    cr_assert_eq(open_entry(entry, found), 1);
    cr_assert_eq(guest_mem_map(ram, RAM_SIZE), 0);
    cr_assert_eq(boot_cache_map(entry, found, ram), 0);
}

TestSuite(boot_cache, .init = set_up, .fini = tear_down);

Test(boot_cache, gives_back_what_booting_needs)
{
    struct boot_entry entry;
    struct image found;
    boot_cache_save(dir, &key, &image, &laid_out, false);
    cr_assert_eq(open_entry(&entry, &found), 1);
    cr_assert_eq(found.entry, image.entry);
    cr_assert_eq(found.end, KILN_IMAGE_BASE + MEM_BYTES);
    cr_assert_eq(found.segment_count, 1);
    cr_assert_eq(found.segments[0].file_size, FILE_BYTES);
    cr_assert_eq(memcmp(&found.note, &image.note, sizeof image.note), 0);
    cr_assert_eq(found.phdr_count, 2);
    cr_assert_eq(memcmp(found.phdrs, phdrs, sizeof phdrs), 0);
    cr_assert_null(found.bytes);
    boot_cache_close(&entry);
}

Test(boot_cache, maps_the_laid_out_memory_into_fresh_ram)
{
    struct boot_entry entry;
    struct image found;
    struct guest_mem ram;
    map_into(&ram, &entry, &found);
    cr_assert_eq(memcmp(guest_mem_at(&ram, KILN_IMAGE_BASE, MEM_BYTES),
                        guest_mem_at(&laid_out, KILN_IMAGE_BASE, MEM_BYTES), MEM_BYTES),
                 0);
    guest_mem_unmap(&ram);
    boot_cache_close(&entry);
}

Test(boot_cache, keeps_the_guest_s_writes_out_of_the_entry)
{
    struct boot_entry entry;
    struct image found;
    struct guest_mem ram;
    map_into(&ram, &entry, &found);
    memset(guest_mem_at(&ram, KILN_IMAGE_BASE, FILE_BYTES), 0xcc, FILE_BYTES);
    guest_mem_unmap(&ram);
    boot_cache_close(&entry);
    cr_assert_eq(open_entry(&entry, &found), 1, "the entry no longer matches its hash");
    boot_cache_close(&entry);
}

Test(boot_cache, a_missing_entry_is_a_quiet_miss, .init = cr_redirect_stderr)
{
    struct boot_entry entry;
    struct image found;
    set_up();
    cr_assert_eq(open_entry(&entry, &found), 0);
    fflush(stderr);
    cr_assert_stderr_eq_str("");
    tear_down();
}

static void flip_content_byte(void)
{
    scratch_flip_byte(entry_path, BOOT_HEADER_SIZE + 0x123);
}

Test(boot_cache, a_flipped_memory_byte_is_reported_and_dropped, .init = cr_redirect_stderr)
{
    save_and_damage(flip_content_byte);
    expect_dropped("content does not match its hash");
}

static void flip_header_byte(void)
{
    scratch_flip_byte(entry_path, 56); /* in the entry address */
}

Test(boot_cache, a_flipped_header_byte_is_reported_and_dropped, .init = cr_redirect_stderr)
{
    save_and_damage(flip_header_byte);
    expect_dropped("content does not match its hash");
}

static void cut_last_page(void)
{
    cr_assert_eq(truncate(entry_path, BOOT_HEADER_SIZE + KILN_PAGE_SIZE), 0);
}

Test(boot_cache, a_truncated_entry_is_reported_and_dropped, .init = cr_redirect_stderr)
{
    save_and_damage(cut_last_page);
    expect_dropped("truncated");
}

static void cut_header(void)
{
    cr_assert_eq(truncate(entry_path, 100), 0);
}

Test(boot_cache, an_entry_shorter_than_its_header_is_reported_and_dropped,
     .init = cr_redirect_stderr)
{
    save_and_damage(cut_header);
    expect_dropped("shorter than its header");
}

static void claim_another_image(void)
{
    key = content_hash_of("another image file", 18);
    char hex[CONTENT_HASH_HEX_SIZE], renamed[PATH_MAX];
    content_hash_hex(&key, hex);
    snprintf(renamed, sizeof renamed, "%s/boot/%s", dir, hex);
    cr_assert_eq(rename(entry_path, renamed), 0);
    snprintf(entry_path, sizeof entry_path, "%s", renamed);
}

Test(boot_cache, an_entry_under_another_image_s_name_is_dropped, .init = cr_redirect_stderr)
{
    save_and_damage(claim_another_image);
    expect_dropped("made for another image");
}

/* An image whose second page is embedded files: mapped from the image
 * file at every boot, so the entry leaves them out. */
static void give_files(void)
{
    image.segments[0].file_size = image.segments[0].mem_size = 3 * KILN_PAGE_SIZE;
    image.files = (struct image_files){
        .gpa = KILN_IMAGE_BASE + KILN_PAGE_SIZE, .file_offset = 0x5000, .size = KILN_PAGE_SIZE};
    cr_assert_eq(image_check(&image), 0);
    memset(guest_mem_at(&laid_out, image.files.gpa, KILN_PAGE_SIZE), 0xee, KILN_PAGE_SIZE);
    memset(guest_mem_at(&laid_out, KILN_IMAGE_BASE + 2 * KILN_PAGE_SIZE, 8), 0x77, 8);
}

Test(boot_cache, keeps_the_embedded_files_out_of_the_entry)
{
    struct boot_entry entry;
    struct image found;
    struct guest_mem ram;
    struct stat st;
    give_files();
    map_into(&ram, &entry, &found);
    cr_assert_eq(stat(entry_path, &st), 0);
    cr_assert_eq(st.st_size, BOOT_HEADER_SIZE + 2 * KILN_PAGE_SIZE);
    cr_assert_eq(memcmp(&found.files, &image.files, sizeof image.files), 0);
    const uint8_t *hole = guest_mem_at(&ram, image.files.gpa, KILN_PAGE_SIZE);
    for (size_t i = 0; i < KILN_PAGE_SIZE; i++)
        cr_assert_eq(hole[i], 0, "the files' page came from the entry");
    cr_assert_eq(memcmp(guest_mem_at(&ram, KILN_IMAGE_BASE, KILN_PAGE_SIZE),
                        guest_mem_at(&laid_out, KILN_IMAGE_BASE, KILN_PAGE_SIZE), KILN_PAGE_SIZE),
                 0);
    cr_assert_eq(*(uint8_t *)guest_mem_at(&ram, KILN_IMAGE_BASE + 2 * KILN_PAGE_SIZE, 1), 0x77);
    guest_mem_unmap(&ram);
    boot_cache_close(&entry);
}
