#include <criterion/criterion.h>
#include <string.h>

#include "files_fixture.h"

static struct files_fixture fixture;

static void set_up(void)
{
    fixture_start(&fixture);
}

static void tear_down(void)
{
    fixture_end(&fixture);
}

TestSuite(files_blob, .init = set_up, .fini = tear_down);

static void expect_path(uint32_t index, const char *expected)
{
    char path[KILN_PATH_MAX];
    files_reader_path(&fixture.reader, index, path);
    cr_assert_str_eq(path, expected, "entry %u", index);
}

static void expect_bytes(const char *path, const char *expected)
{
    struct kiln_files_entry entry = fixture_entry(&fixture, path);
    cr_assert_eq(entry.size, strlen(expected), "%s", path);
    cr_assert_arr_eq(files_reader_data(&fixture.reader, &entry), expected, entry.size, "%s", path);
}

Test(files_blob, reads_back_what_was_written)
{
    fixture_file(&fixture, "etc/motd", 0640, "hello\n");
    fixture_folder(&fixture, "tmp", 01777);
    fixture_symlink(&fixture, "bin/sh", "/usr/bin/busybox");
    fixture_read(&fixture);
    cr_assert_eq(fixture.reader.entry_count, 6);
    expect_bytes("/etc/motd", "hello\n");
    cr_assert_eq(fixture_entry(&fixture, "/etc/motd").mode, S_IFREG | 0640);
    cr_assert_eq(fixture_entry(&fixture, "/tmp").mode, S_IFDIR | 01777);
    cr_assert_eq(fixture_entry(&fixture, "/bin/sh").mode, S_IFLNK | 0777);
}

Test(files_blob, starts_with_the_header_abi_h_describes)
{
    fixture_file(&fixture, "a", 0644, "x");
    fixture_read(&fixture);
    struct kiln_files_header header;
    memcpy(&header, fixture.blob.bytes, sizeof header);
    cr_assert_eq(header.magic, KILN_FILES_MAGIC);
    cr_assert_eq(memcmp(fixture.blob.bytes, "KLNFILS1", 8), 0);
    cr_assert_eq(header.entry_count, 2);
    cr_assert_eq(header.names_offset,
                 sizeof header + header.entry_count * sizeof(struct kiln_files_entry));
    cr_assert_eq(header.names_size, 1);
    cr_assert_eq(header.size, fixture.blob.size);
}

Test(files_blob, lists_entries_breadth_first)
{
    fixture_file(&fixture, "b/x", 0644, "");
    fixture_file(&fixture, "a/y/z", 0644, "");
    fixture_file(&fixture, "c", 0644, "");
    fixture_read(&fixture);
    const char *expected[] = {"/", "/a", "/b", "/c", "/a/y", "/b/x", "/a/y/z"};
    cr_assert_eq(fixture.reader.entry_count, 7);
    for (uint32_t i = 0; i < 7; i++)
        expect_path(i, expected[i]);
}

Test(files_blob, keeps_a_folders_children_together_and_points_at_them)
{
    fixture_file(&fixture, "b/x", 0644, "");
    fixture_file(&fixture, "a/y/z", 0644, "");
    fixture_file(&fixture, "a/w", 0644, "");
    fixture_read(&fixture);
    struct kiln_files_entry a = fixture_entry(&fixture, "/a");
    cr_assert_eq(a.child_count, 2);
    expect_path(a.first_child, "/a/w");
    expect_path(a.first_child + 1, "/a/y");
    struct kiln_files_entry root = files_reader_entry(&fixture.reader, 0);
    cr_assert_eq(root.first_child, 1);
    cr_assert_eq(root.child_count, 2);
    cr_assert_eq(fixture_entry(&fixture, "/a/w").parent, fixture_index(&fixture, "/a"));
}

Test(files_blob, sorts_names_bytewise)
{
    const char *names[] = {"a", "\xc3\xa9", "ab", "Z", "a.b", "_", "B"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        fixture_file(&fixture, names[i], 0644, "");
    fixture_read(&fixture);
    const char *sorted[] = {"/B", "/Z", "/_", "/a", "/a.b", "/ab", "/\xc3\xa9"};
    for (uint32_t i = 0; i < 7; i++)
        expect_path(i + 1, sorted[i]);
}

Test(files_blob, is_the_same_whatever_order_entries_came_in)
{
    struct files_fixture other;
    fixture_start(&other);
    fixture_file(&fixture, "z/1", 0644, "one");
    fixture_file(&fixture, "a", 0600, "two");
    fixture_symlink(&fixture, "z/l", "1");
    fixture_symlink(&other, "z/l", "1");
    fixture_file(&other, "a", 0600, "two");
    fixture_file(&other, "z/1", 0644, "one");
    fixture_read(&fixture);
    fixture_read(&other);
    cr_assert_eq(fixture.blob.size, other.blob.size);
    cr_assert_arr_eq(fixture.blob.bytes, other.blob.bytes, fixture.blob.size);
    fixture_end(&other);
}

Test(files_blob, starts_each_files_bytes_on_a_page)
{
    char big[KILN_PAGE_SIZE + 2];
    memset(big, 'b', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    fixture_file(&fixture, "a", 0644, "1");
    fixture_file(&fixture, "b", 0644, big);
    fixture_file(&fixture, "c", 0644, "");
    fixture_file(&fixture, "d", 0644, "4");
    fixture_read(&fixture);
    const char *paths[] = {"/a", "/b", "/c", "/d"};
    for (size_t i = 0; i < 4; i++)
        cr_assert_eq(fixture_entry(&fixture, paths[i]).data_offset % KILN_PAGE_SIZE, 0, "%s",
                     paths[i]);
    expect_bytes("/b", big);
    expect_bytes("/d", "4");
    cr_assert_eq(fixture.blob.size % KILN_PAGE_SIZE, 0);
    cr_assert_eq(fixture_entry(&fixture, "/d").data_offset,
                 fixture_entry(&fixture, "/b").data_offset + 2 * KILN_PAGE_SIZE);
}

Test(files_blob, stores_symlink_targets_with_their_length)
{
    fixture_symlink(&fixture, "l", "../some/where");
    fixture_read(&fixture);
    expect_bytes("/l", "../some/where");
    struct kiln_files_header header;
    memcpy(&header, fixture.blob.bytes, sizeof header);
    struct kiln_files_entry link = fixture_entry(&fixture, "/l");
    cr_assert_geq(link.data_offset, header.names_offset);
    cr_assert_leq(link.data_offset + link.size, header.names_offset + header.names_size);
}

Test(files_blob, gives_hard_links_one_inode_and_one_copy)
{
    fixture_file(&fixture, "z/first", 0755, "shared");
    fixture_hardlink(&fixture, "a", "z/first");
    fixture_hardlink(&fixture, "z/third", "z/first");
    fixture_read(&fixture);
    struct kiln_files_entry a = fixture_entry(&fixture, "/a");
    struct kiln_files_entry first = fixture_entry(&fixture, "/z/first");
    struct kiln_files_entry third = fixture_entry(&fixture, "/z/third");
    cr_assert_eq(a.ino, 1 + fixture_index(&fixture, "/a"), "the first in the blob's order");
    cr_assert_eq(first.ino, a.ino);
    cr_assert_eq(third.ino, a.ino);
    cr_assert_eq(first.data_offset, a.data_offset);
    cr_assert_eq(a.nlink, 3);
    cr_assert_eq(third.nlink, 3);
    cr_assert_eq(a.mode, S_IFREG | 0755);
    expect_bytes("/z/third", "shared");
}

Test(files_blob, numbers_every_other_entry_by_its_index)
{
    fixture_file(&fixture, "f", 0644, "same");
    fixture_file(&fixture, "g", 0644, "same");
    fixture_read(&fixture);
    cr_assert_eq(fixture_entry(&fixture, "/f").ino, 1 + fixture_index(&fixture, "/f"));
    cr_assert_eq(fixture_entry(&fixture, "/g").ino, 1 + fixture_index(&fixture, "/g"));
    cr_assert_neq(fixture_entry(&fixture, "/f").data_offset,
                  fixture_entry(&fixture, "/g").data_offset);
    cr_assert_eq(files_reader_entry(&fixture.reader, 0).ino, 1);
}

Test(files_blob, counts_a_folders_links_as_stat_does)
{
    fixture_folder(&fixture, "a/b", 0755);
    fixture_folder(&fixture, "a/c", 0755);
    fixture_file(&fixture, "a/f", 0644, "");
    fixture_read(&fixture);
    cr_assert_eq(files_reader_entry(&fixture.reader, 0).nlink, 3);
    cr_assert_eq(fixture_entry(&fixture, "/a").nlink, 4);
    cr_assert_eq(fixture_entry(&fixture, "/a/b").nlink, 2);
    cr_assert_eq(fixture_entry(&fixture, "/a/f").nlink, 1);
}

Test(files_blob, holds_only_a_root_for_an_empty_source)
{
    fixture_folder(&fixture, ".", 0700);
    fixture_read(&fixture);
    cr_assert_eq(fixture.reader.entry_count, 1);
    cr_assert_eq(files_reader_entry(&fixture.reader, 0).mode, S_IFDIR | 0755);
    cr_assert_eq(fixture.blob.size, KILN_PAGE_SIZE);
}
