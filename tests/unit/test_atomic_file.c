#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <dirent.h>
#include <limits.h>
#include <sys/stat.h>

#include "common/atomic_file.h"
#include "common/mapped_file.h"
#include "scratch_dir.h"

static char dir[sizeof SCRATCH_TEMPLATE];
static char path[PATH_MAX];

static void set_up(void)
{
    scratch_dir_make(dir);
    scratch_path(path, sizeof path, dir, "file");
}

static void tear_down(void)
{
    scratch_dir_remove(dir);
}

static int write_text(const char *first, const char *second)
{
    struct iovec parts[] = {{(void *)first, strlen(first)}, {(void *)second, strlen(second)}};
    return atomic_file_write(path, 0644, parts, 2);
}

static void expect_content(const char *expected)
{
    struct mapped_file file;
    cr_assert_eq(mapped_file_open(&file, path), 0);
    cr_assert_eq(file.size, strlen(expected));
    cr_assert_eq(memcmp(file.bytes, expected, file.size), 0);
    mapped_file_close(&file);
}

static int entries_in_dir(void)
{
    int count = 0;
    DIR *d = opendir(dir);
    for (struct dirent *e = readdir(d); e != NULL; e = readdir(d))
        count += e->d_name[0] != '.';
    closedir(d);
    return count;
}

TestSuite(atomic_file, .init = set_up, .fini = tear_down);

Test(atomic_file, writes_the_parts_in_order)
{
    cr_assert_eq(write_text("kiln ", "cache"), 0);
    expect_content("kiln cache");
}

Test(atomic_file, replaces_a_file_whole)
{
    cr_assert_eq(write_text("a much longer first version", ""), 0);
    cr_assert_eq(write_text("short", ""), 0);
    expect_content("short");
}

Test(atomic_file, leaves_no_temporary_file_behind)
{
    cr_assert_eq(write_text("x", "y"), 0);
    cr_assert_eq(entries_in_dir(), 1);
}

Test(atomic_file, gives_the_mode_less_the_umask)
{
    struct stat st;
    mode_t old = umask(022);
    struct iovec part = {"x", 1};
    cr_assert_eq(atomic_file_write(path, 0777, &part, 1), 0);
    umask(old);
    cr_assert_eq(stat(path, &st), 0);
    cr_assert_eq(st.st_mode & 0777, 0755);
}

Test(atomic_file, reports_a_missing_folder_in_one_line, .init = cr_redirect_stderr)
{
    set_up();
    scratch_path(path, sizeof path, dir, "missing/file");
    cr_assert_eq(write_text("x", ""), -1);
    fflush(stderr);
    cr_assert_stderr_neq_str("");
    cr_assert_eq(entries_in_dir(), 0);
}

Test(atomic_file, commit_moves_a_temporary_file_into_place)
{
    char temp[PATH_MAX];
    int fd = atomic_file_create(path, temp, sizeof temp);
    cr_assert_geq(fd, 0);
    cr_assert_not_null(strstr(temp, ATOMIC_FILE_TEMP_MARK));
    cr_assert_eq(write(fd, "made", 4), 4);
    close(fd);
    cr_assert_eq(atomic_file_commit(temp, path), 0);
    expect_content("made");
    cr_assert_eq(entries_in_dir(), 1);
}
