#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <stddef.h>
#include <string.h>

#include "files_fixture.h"

#define ENTRY_AT(index)                                                                            \
    (sizeof(struct kiln_files_header) + (index) * sizeof(struct kiln_files_entry))

static struct files_fixture fixture;
static uint8_t *damaged; /* a copy of the fixture's blob to damage */

/* Entries: 0 /, 1 /a, 2 /l, 3 /z, 4 /a/x, 5 /a/y. */
static void set_up(void)
{
    cr_redirect_stderr();
    fixture_start(&fixture);
    fixture_file(&fixture, "a/x", 0644, "ex");
    fixture_file(&fixture, "a/y", 0600, "why");
    fixture_hardlink(&fixture, "z", "a/y");
    fixture_symlink(&fixture, "l", "a/x");
    fixture_read(&fixture);
    damaged = malloc(fixture.blob.size);
    cr_assert_not_null(damaged);
    memcpy(damaged, fixture.blob.bytes, fixture.blob.size);
}

static void tear_down(void)
{
    free(damaged);
    fixture_end(&fixture);
}

TestSuite(files_blob_reader, .init = set_up, .fini = tear_down);

static void set_field(size_t offset, const void *value, size_t size)
{
    memcpy(damaged + offset, value, size);
}

#define SET_HEADER(field, value)                                                                   \
    do {                                                                                           \
        __typeof__(((struct kiln_files_header *)0)->field) v_ = (value);                           \
        set_field(offsetof(struct kiln_files_header, field), &v_, sizeof v_);                      \
    } while (0)
#define SET_ENTRY(index, field, value)                                                             \
    do {                                                                                           \
        __typeof__(((struct kiln_files_entry *)0)->field) v_ = (value);                            \
        set_field(ENTRY_AT(index) + offsetof(struct kiln_files_entry, field), &v_, sizeof v_);     \
    } while (0)

/* The damaged blob of size bytes is refused with one line that says why. */
static void expect_refused(size_t size, const char *why)
{
    struct files_reader reader;
    char said[512] = "";
    cr_assert_eq(files_reader_open(&reader, damaged, size, "app.kiln"), -1);
    fflush(stderr);
    size_t len = fread(said, 1, sizeof said - 1, cr_get_redirected_stderr());
    cr_assert(len > 0 && said[len - 1] == '\n' && strchr(said, '\n') == said + len - 1, "%s", said);
    cr_assert(strstr(said, why) != NULL, "%s", said);
}

static void expect_refused_saying(const char *why)
{
    struct files_reader reader;
    char line[512];
    cr_assert_eq(files_reader_open(&reader, damaged, fixture.blob.size, "app.kiln"), -1);
    fflush(stderr);
    snprintf(line, sizeof line, "kiln: app.kiln: embedded files: %s\n", why);
    cr_assert_stderr_eq_str(line);
}

Test(files_blob_reader, reads_a_blob_at_any_alignment)
{
    struct files_reader reader;
    uint8_t *shifted = malloc(fixture.blob.size + 1);
    cr_assert_not_null(shifted);
    memcpy(shifted + 1, fixture.blob.bytes, fixture.blob.size);
    cr_assert_eq(files_reader_open(&reader, shifted + 1, fixture.blob.size, "app.kiln"), 0);
    cr_assert_eq(reader.entry_count, 6);
    files_reader_close(&reader);
    free(shifted);
}

Test(files_blob_reader, reads_a_blob_in_a_longer_section)
{
    struct files_reader reader;
    uint8_t *longer = calloc(1, fixture.blob.size + KILN_PAGE_SIZE);
    cr_assert_not_null(longer);
    memcpy(longer, fixture.blob.bytes, fixture.blob.size);
    cr_assert_eq(files_reader_open(&reader, longer, fixture.blob.size + KILN_PAGE_SIZE, "a"), 0);
    cr_assert_eq(reader.size, fixture.blob.size);
    files_reader_close(&reader);
    free(longer);
}

Test(files_blob_reader, refuses_fewer_bytes_than_a_header)
{
    expect_refused(sizeof(struct kiln_files_header) - 1, "too few");
}

Test(files_blob_reader, refuses_a_blob_without_its_magic)
{
    SET_HEADER(magic, 0x4b4c4e46494c5332ull);
    expect_refused_saying("no KLNFILS1 magic");
}

Test(files_blob_reader, refuses_a_size_past_the_bytes_given)
{
    expect_refused(fixture.blob.size - 1, "size");
}

Test(files_blob_reader, refuses_no_entries_and_too_many)
{
    SET_HEADER(entry_count, 0);
    expect_refused(fixture.blob.size, "entries");
    SET_HEADER(entry_count, 0x10000000);
    expect_refused(fixture.blob.size, "entries");
}

Test(files_blob_reader, refuses_names_that_overlap_the_entries)
{
    SET_HEADER(names_offset, ENTRY_AT(5));
    expect_refused(fixture.blob.size, "names");
}

Test(files_blob_reader, refuses_a_name_past_the_names)
{
    SET_ENTRY(4, name_offset, 0xfffffff0);
    expect_refused_saying("entry 4: its name lies past the end");
}

Test(files_blob_reader, refuses_a_name_with_a_slash)
{
    struct kiln_files_entry a = fixture_entry(&fixture, "/a");
    damaged[fixture.reader.names_offset + a.name_offset] = '/';
    expect_refused_saying("entry 1: not a file name");
}

Test(files_blob_reader, refuses_a_parent_that_comes_after_its_child)
{
    SET_ENTRY(1, parent, 4);
    expect_refused_saying("entry 1: parent 4 does not come before it");
}

Test(files_blob_reader, refuses_an_entry_its_parent_does_not_list)
{
    SET_ENTRY(3, parent, 1);
    expect_refused_saying("entry 3: not among its parent's children");
}

Test(files_blob_reader, refuses_a_folder_that_claims_its_own_index)
{
    SET_ENTRY(1, first_child, 1);
    expect_refused(fixture.blob.size, "children");
}

Test(files_blob_reader, refuses_names_out_of_order)
{
    struct kiln_files_entry x = fixture_entry(&fixture, "/a/x");
    damaged[fixture.reader.names_offset + x.name_offset] = 'z';
    expect_refused_saying("entry 5: names out of order");
}

Test(files_blob_reader, refuses_file_bytes_past_the_end)
{
    SET_ENTRY(4, size, fixture.blob.size);
    expect_refused(fixture.blob.size, "page-aligned within the blob");
}

Test(files_blob_reader, refuses_file_bytes_off_a_page)
{
    SET_ENTRY(4, data_offset, fixture_entry(&fixture, "/a/x").data_offset + 1);
    expect_refused(fixture.blob.size, "page-aligned");
}

Test(files_blob_reader, refuses_a_symlink_target_past_the_end)
{
    SET_ENTRY(2, data_offset, 0xffffffffffffff00ull);
    expect_refused(fixture.blob.size, "symlink target");
}

Test(files_blob_reader, refuses_an_inode_of_other_data)
{
    SET_ENTRY(5, ino, 1 + 2);
    expect_refused_saying("entry 5: inode 3 is not an earlier link to the same data");
}

Test(files_blob_reader, refuses_a_mode_that_is_not_a_file_folder_or_symlink)
{
    SET_ENTRY(4, mode, S_IFCHR | 0644);
    expect_refused_saying("entry 4: mode 020644 is not a file, folder or symlink");
}

/* What a caller does with a blob the reader took: every path and byte. */
static void read_everything(const struct files_reader *reader)
{
    char path[KILN_PATH_MAX];
    unsigned sum = 0;
    for (uint32_t i = 0; i < reader->entry_count; i++) {
        struct kiln_files_entry entry = files_reader_entry(reader, i);
        files_reader_path(reader, i, path);
        cr_assert_lt(strlen(path), (size_t)KILN_PATH_MAX);
        const uint8_t *data = files_reader_data(reader, &entry);
        for (uint64_t b = 0; b < entry.size; b++)
            sum += data[b];
    }
    (void)sum;
}

static void try_damaged(size_t size)
{
    struct files_reader reader;
    if (files_reader_open(&reader, damaged, size, "app.kiln") == 0) {
        read_everything(&reader);
        files_reader_close(&reader);
    }
}

/* Every byte of the header, the entries and the names, set to values that
 * break bounds: the reader refuses, or what it takes stays in the blob. */
Test(files_blob_reader, survives_any_damaged_byte_of_the_index)
{
    size_t index_end = fixture.reader.names_offset + 16;
    for (size_t at = 0; at < index_end; at++) {
        const uint8_t values[] = {0x00,
                                  0xff,
                                  0x80,
                                  0x01,
                                  (uint8_t)(fixture.blob.bytes[at] ^ 1),
                                  (uint8_t)(fixture.blob.bytes[at] + 1)};
        for (size_t v = 0; v < sizeof values; v++) {
            damaged[at] = values[v];
            try_damaged(fixture.blob.size);
        }
        damaged[at] = fixture.blob.bytes[at];
    }
}

Test(files_blob_reader, survives_any_truncation)
{
    for (size_t size = 0; size <= fixture.blob.size; size++)
        try_damaged(size);
}
