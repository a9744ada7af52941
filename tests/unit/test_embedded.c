/* The runtime's reader of embedded files, on blobs the builder lays out. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "files_fixture.h"
#include "runtime/embedded.h"

#define MANY_NAMES 500

static struct files_fixture files;
static struct embedded_tree tree;

static void open_blob(void)
{
    cr_assert_eq(files_blob_write(&files.tree, &files.blob), 0);
    cr_assert(embedded_open(&tree, files.blob.bytes, files.blob.size));
}

static uint32_t find(uint32_t folder, const char *name)
{
    return embedded_find(&tree, folder, name, (uint32_t)strlen(name));
}

Test(embedded, binary_search_finds_every_name_and_no_other)
{
    char name[32];
    fixture_start(&files);
    for (int i = 0; i < MANY_NAMES; i++) {
        snprintf(name, sizeof name, "dir/file-%d", i * 7 % MANY_NAMES);
        fixture_file(&files, name, 0644, "x");
    }
    open_blob();
    uint32_t dir = find(0, "dir");
    cr_assert_neq(dir, EMBEDDED_NONE);
    for (int i = 0; i < MANY_NAMES; i++) {
        snprintf(name, sizeof name, "file-%d", i);
        uint32_t entry = find(dir, name);
        uint32_t len;
        cr_assert_neq(entry, EMBEDDED_NONE, "%s", name);
        cr_assert_eq(memcmp(embedded_name(&tree, entry, &len), name, len), 0);
    }
    cr_assert_eq(find(dir, "file-"), EMBEDDED_NONE);
    cr_assert_eq(find(dir, "file-5000"), EMBEDDED_NONE);
    cr_assert_eq(find(dir, "zzz"), EMBEDDED_NONE);
    cr_assert_eq(find(find(dir, "file-1"), "x"), EMBEDDED_NONE, "a file has no children");
}

Test(embedded, the_position_after_a_name_resumes_a_listing)
{
    fixture_start(&files);
    fixture_file(&files, "b", 0644, "");
    fixture_file(&files, "d", 0644, "");
    open_blob();
    cr_assert_eq(embedded_position_after(&tree, 0, "a", 1), 0);
    cr_assert_eq(embedded_position_after(&tree, 0, "b", 1), 1);
    cr_assert_eq(embedded_position_after(&tree, 0, "c", 1), 1);
    cr_assert_eq(embedded_position_after(&tree, 0, "d", 1), 2);
}

Test(embedded, a_file_s_bytes_are_read_in_place_from_a_page_boundary)
{
    fixture_start(&files);
    fixture_file(&files, "f", 0644, "bytes");
    open_blob();
    uint32_t entry = find(0, "f");
    const char *data = embedded_data(&tree, entry);
    cr_assert_eq(memcmp(data, "bytes", 5), 0);
    cr_assert_eq((data - tree.base) % KILN_PAGE_SIZE, 0);
}

Test(embedded, no_blob_or_a_damaged_one_is_no_tree)
{
    static char blank[KILN_PAGE_SIZE];
    cr_assert_not(embedded_open(&tree, blank, sizeof blank));
    cr_assert_eq(tree.count, 0);
    cr_assert_not(embedded_open(&tree, NULL, 0));
    fixture_start(&files);
    fixture_file(&files, "f", 0644, "x");
    cr_assert_eq(files_blob_write(&files.tree, &files.blob), 0);
    cr_assert_not(embedded_open(&tree, files.blob.bytes, sizeof(struct kiln_files_header)),
                  "entries past the end");
}
