/* Embedded files for the tests: a tree built entry by entry as a source
 * would give it, laid out as a blob and read back. */
#ifndef KILN_TEST_FILES_FIXTURE_H
#define KILN_TEST_FILES_FIXTURE_H

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "builder/file_tree.h"
#include "builder/files_blob.h"
#include "builder/files_blob_reader.h"

struct files_fixture {
    struct file_tree tree;
    struct files_blob blob;
    struct files_reader reader;
    bool read;
};

/* The --files PATH every fixture entry comes from, unless said. */
static const char fixture_source[] = "data.tar";

static inline void fixture_start(struct files_fixture *fixture)
{
    *fixture = (struct files_fixture){0};
    file_tree_init(&fixture->tree);
}

static inline void fixture_end(struct files_fixture *fixture)
{
    if (fixture->read)
        files_reader_close(&fixture->reader);
    files_blob_free(&fixture->blob);
    file_tree_free(&fixture->tree);
}

/* Adds entry name with mode and bytes (a file's or a symlink's target;
 * NULL: none); returns file_tree_add's answer. */
static inline int fixture_try(struct files_fixture *fixture, const char *source,
                              const char *guest_dir, const char *name, uint32_t mode,
                              const char *bytes, const char *hardlink)
{
    struct file_entry entry = {
        .source = source, .guest_dir = guest_dir, .name = name, .mode = mode, .hardlink = hardlink};
    if (bytes != NULL) {
        entry.size = strlen(bytes);
        entry.bytes = malloc(entry.size + 1);
        cr_assert_not_null(entry.bytes);
        memcpy(entry.bytes, bytes, entry.size + 1);
    }
    return file_tree_add(&fixture->tree, &entry);
}

static inline void fixture_file(struct files_fixture *fixture, const char *name, uint32_t perms,
                                const char *bytes)
{
    cr_assert_eq(fixture_try(fixture, fixture_source, "/", name, S_IFREG | perms, bytes, NULL), 0,
                 "%s", name);
}

static inline void fixture_folder(struct files_fixture *fixture, const char *name, uint32_t perms)
{
    cr_assert_eq(fixture_try(fixture, fixture_source, "/", name, S_IFDIR | perms, NULL, NULL), 0,
                 "%s", name);
}

static inline void fixture_symlink(struct files_fixture *fixture, const char *name,
                                   const char *target)
{
    cr_assert_eq(fixture_try(fixture, fixture_source, "/", name, S_IFLNK | 0777, target, NULL), 0,
                 "%s", name);
}

static inline void fixture_hardlink(struct files_fixture *fixture, const char *name, const char *to)
{
    cr_assert_eq(fixture_try(fixture, fixture_source, "/", name, 0, NULL, to), 0, "%s", name);
}

/* Lays the tree out and opens the blob with the reader. */
static inline void fixture_read(struct files_fixture *fixture)
{
    cr_assert_eq(files_blob_write(&fixture->tree, &fixture->blob), 0);
    cr_assert_eq(
        files_reader_open(&fixture->reader, fixture->blob.bytes, fixture->blob.size, "test.kiln"),
        0);
    fixture->read = true;
}

/* The index of the entry at path. */
static inline uint32_t fixture_index(const struct files_fixture *fixture, const char *path)
{
    char found[KILN_PATH_MAX];
    for (uint32_t i = 0; i < fixture->reader.entry_count; i++) {
        files_reader_path(&fixture->reader, i, found);
        if (strcmp(found, path) == 0)
            return i;
    }
    cr_assert_fail("no entry %s", path);
    return 0;
}

static inline struct kiln_files_entry fixture_entry(const struct files_fixture *fixture,
                                                    const char *path)
{
    return files_reader_entry(&fixture->reader, fixture_index(fixture, path));
}

#endif
