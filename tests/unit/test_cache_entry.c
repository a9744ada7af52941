#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <limits.h>
#include <sys/stat.h>

#include "common/cache_entry.h"
#include "scratch_dir.h"

static char dir[sizeof SCRATCH_TEMPLATE];
static char path[PATH_MAX];
static const char payload[] = "headers a build read";

static void set_up(void)
{
    scratch_dir_make(dir);
    scratch_path(path, sizeof path, dir, "deps/record");
    cr_assert_eq(cache_entry_make_folder(path), 0);
}

static void tear_down(void)
{
    scratch_dir_remove(dir);
}

/* Returns what cache_record_read says, checking the payload on a hit. */
static int read_back(void)
{
    struct cache_record record;
    int found = cache_record_read(path, &record);
    if (found == 1) {
        cr_assert_eq(record.size, sizeof payload);
        cr_assert_eq(memcmp(record.payload, payload, record.size), 0);
        cache_record_free(&record);
    }
    return found;
}

static void expect_dropped(void)
{
    cr_assert_eq(read_back(), 0);
    cr_assert_neq(access(path, F_OK), 0, "the corrupt record is still there");
    fflush(stderr);
}

TestSuite(cache_record, .init = set_up, .fini = tear_down);
TestSuite(cache_entry);

Test(cache_entry, path_is_root_folder_and_hex_key)
{
    char where[PATH_MAX];
    struct content_hash key = content_hash_of("", 0);
    cr_assert_eq(cache_entry_path(where, sizeof where, "/c", CACHE_IMAGES, &key, ".kiln"), 0);
    cr_assert_str_eq(where, "/c/images/99aa06d3014798d86001c324468d497f.kiln");
}

Test(cache_entry, make_folder_creates_missing_parents)
{
    char where[PATH_MAX];
    struct stat st;
    scratch_dir_make(dir);
    scratch_path(where, sizeof where, dir, "home/.cache/kiln/boot/entry");
    cr_assert_eq(cache_entry_make_folder(where), 0);
    *strrchr(where, '/') = '\0';
    cr_assert_eq(stat(where, &st), 0);
    cr_assert(S_ISDIR(st.st_mode));
    tear_down();
}

Test(cache_entry, owns_entries_and_temporary_files)
{
    cr_assert(cache_entry_owns("99aa06d3014798d86001c324468d497f"));
    cr_assert(cache_entry_owns("99aa06d3014798d86001c324468d497f.kiln"));
    cr_assert(cache_entry_owns("99aa06d3014798d86001c324468d497f.kiln.tmp-a1B2c3"));
    cr_assert(cache_entry_owns("99aa06d3014798d86001c324468d497f.tmp-a1B2c3"));
}

Test(cache_entry, owns_nothing_else)
{
    cr_assert_not(cache_entry_owns("README"));
    cr_assert_not(cache_entry_owns("notes.tmp-a1B2c3"));
    cr_assert_not(cache_entry_owns("99aa06d3014798d86001c324468d497"));
    cr_assert_not(cache_entry_owns("99AA06D3014798D86001C324468D497F"));
    cr_assert_not(cache_entry_owns("99aa06d3014798d86001c324468d497f.txt"));
}

Test(cache_record, reads_back_as_written)
{
    cr_assert_eq(cache_record_write(path, payload, sizeof payload), 0);
    cr_assert_eq(read_back(), 1);
}

Test(cache_record, a_missing_record_is_a_quiet_miss, .init = cr_redirect_stderr)
{
    set_up();
    cr_assert_eq(read_back(), 0);
    fflush(stderr);
    cr_assert_stderr_eq_str("");
    tear_down();
}

Test(cache_record, a_flipped_byte_is_reported_and_the_record_removed, .init = cr_redirect_stderr)
{
    set_up();
    cr_assert_eq(cache_record_write(path, payload, sizeof payload), 0);
    scratch_flip_byte(path, 40);
    expect_dropped();
    char expected[PATH_MAX + 100];
    snprintf(expected, sizeof expected,
             "kiln: %s: corrupt cache entry (content does not match its hash); removed, "
             "rebuilding it\n",
             path);
    cr_assert_stderr_eq_str(expected);
    tear_down();
}

Test(cache_record, a_truncated_record_is_reported_and_removed, .init = cr_redirect_stderr)
{
    set_up();
    cr_assert_eq(cache_record_write(path, payload, sizeof payload), 0);
    cr_assert_eq(truncate(path, 40), 0);
    expect_dropped();
    char expected[PATH_MAX + 100];
    snprintf(expected, sizeof expected,
             "kiln: %s: corrupt cache entry (truncated); removed, rebuilding it\n", path);
    cr_assert_stderr_eq_str(expected);
    tear_down();
}

Test(cache_record, an_empty_file_is_reported_and_removed, .init = cr_redirect_stderr)
{
    set_up();
    fclose(fopen(path, "w"));
    expect_dropped();
    tear_down();
}
