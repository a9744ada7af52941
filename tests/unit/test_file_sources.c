#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "builder/file_sources.h"
#include "files_fixture.h"
#include "scratch_dir.h"

static char dir[sizeof SCRATCH_TEMPLATE];
static struct files_fixture fixture;

static void set_up(void)
{
    cr_redirect_stderr();
    scratch_dir_make(dir);
    fixture_start(&fixture);
}

static void tear_down(void)
{
    fixture_end(&fixture);
    scratch_dir_remove(dir);
}

TestSuite(file_sources, .init = set_up, .fini = tear_down);

static void put(const char *name, const char *text, mode_t mode)
{
    char path[PATH_MAX];
    scratch_path(path, sizeof path, dir, name);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "%s", path);
    fputs(text, f);
    fclose(f);
    chmod(path, mode);
}

static void make_folder(const char *name, mode_t mode)
{
    char path[PATH_MAX];
    scratch_path(path, sizeof path, dir, name);
    cr_assert_eq(mkdir(path, mode), 0, "%s", path);
    chmod(path, mode);
}

static int read_source(const char *guest_dir)
{
    struct files_source source = {dir, guest_dir};
    return file_sources_read(&fixture.tree, &source);
}

Test(file_sources, reads_a_folder_with_its_modes)
{
    make_folder("etc", 0750);
    put("etc/motd", "hello\n", 0640);
    put("run", "#!/bin/sh\n", 0755);
    cr_assert_eq(read_source("/srv"), 0);
    fixture_read(&fixture);
    cr_assert_eq(fixture_entry(&fixture, "/srv/etc").mode, S_IFDIR | 0750);
    cr_assert_eq(fixture_entry(&fixture, "/srv/etc/motd").mode, S_IFREG | 0640);
    cr_assert_eq(fixture_entry(&fixture, "/srv/etc/motd").size, 6);
    cr_assert_eq(fixture_entry(&fixture, "/srv/run").mode, S_IFREG | 0755);
    cr_assert_eq(fixture_entry(&fixture, "/srv").mode, S_IFDIR | 0755);
}

Test(file_sources, keeps_symlinks_as_symlinks)
{
    char path[PATH_MAX];
    put("target", "data", 0644);
    scratch_path(path, sizeof path, dir, "link");
    cr_assert_eq(symlink("target", path), 0);
    cr_assert_eq(read_source("/"), 0);
    fixture_read(&fixture);
    struct kiln_files_entry link = fixture_entry(&fixture, "/link");
    cr_assert(S_ISLNK(link.mode));
    cr_assert_arr_eq(files_reader_data(&fixture.reader, &link), "target", link.size);
}

Test(file_sources, finds_hard_links_by_their_inode)
{
    char first[PATH_MAX], second[PATH_MAX];
    make_folder("sub", 0755);
    put("one", "same bytes", 0644);
    scratch_path(first, sizeof first, dir, "one");
    scratch_path(second, sizeof second, dir, "sub/two");
    cr_assert_eq(link(first, second), 0);
    cr_assert_eq(read_source("/"), 0);
    fixture_read(&fixture);
    struct kiln_files_entry one = fixture_entry(&fixture, "/one");
    struct kiln_files_entry two = fixture_entry(&fixture, "/sub/two");
    cr_assert_eq(one.ino, two.ino);
    cr_assert_eq(one.nlink, 2);
    cr_assert_eq(one.data_offset, two.data_offset);
    cr_assert_eq(two.size, 10);
}

Test(file_sources, refuses_a_fifo)
{
    char path[PATH_MAX];
    scratch_path(path, sizeof path, dir, "pipe");
    cr_assert_eq(mkfifo(path, 0644), 0);
    cr_assert_eq(read_source("/"), -1);
    char expected[PATH_MAX + 128];
    snprintf(expected, sizeof expected,
             "kiln: %s: pipe: a fifo: only files, folders and symlinks can be embedded\n", dir);
    fflush(stderr);
    cr_assert_stderr_eq_str(expected);
}

Test(file_sources, refuses_a_missing_source)
{
    struct files_source source = {"/nonexistent/data.tar.gz", "/"};
    cr_assert_eq(file_sources_read(&fixture.tree, &source), -1);
    fflush(stderr);
    cr_assert_stderr_eq_str(
        "kiln: /nonexistent/data.tar.gz: cannot read: No such file or directory\n");
}

Test(file_sources, refuses_a_file_that_is_no_archive)
{
    char path[PATH_MAX];
    put("notes.txt", "just some text, not an archive\n", 0644);
    scratch_path(path, sizeof path, dir, "notes.txt");
    struct files_source source = {path, "/"};
    cr_assert_eq(file_sources_read(&fixture.tree, &source), -1);
    char expected[PATH_MAX + 64];
    snprintf(expected, sizeof expected, "kiln: %s: Unrecognized archive format\n", path);
    fflush(stderr);
    cr_assert_stderr_eq_str(expected);
}
