#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <string.h>

#include "files_fixture.h"

static struct files_fixture fixture;
static const char other_source[] = "more.zip";

static void set_up(void)
{
    cr_redirect_stderr();
    fixture_start(&fixture);
}

static void tear_down(void)
{
    fixture_end(&fixture);
}

TestSuite(file_tree, .init = set_up, .fini = tear_down);

/* The entry is refused with exactly this one line. */
static void expect_refused(int rc, const char *line)
{
    cr_assert_eq(rc, -1);
    fflush(stderr);
    cr_assert_stderr_eq_str(line);
}

Test(file_tree, implies_missing_folders_as_0755)
{
    fixture_file(&fixture, "a/b/c", 0600, "x");
    fixture_read(&fixture);
    cr_assert_eq(fixture_entry(&fixture, "/a").mode, S_IFDIR | 0755);
    cr_assert_eq(fixture_entry(&fixture, "/a/b").mode, S_IFDIR | 0755);
}

Test(file_tree, keeps_a_folders_own_mode_even_when_it_comes_after_its_files)
{
    fixture_file(&fixture, "a/b", 0644, "x");
    fixture_folder(&fixture, "a", 0700);
    fixture_read(&fixture);
    cr_assert_eq(fixture_entry(&fixture, "/a").mode, S_IFDIR | 0700);
}

Test(file_tree, keeps_permission_bits_and_nothing_else_of_a_mode)
{
    fixture_file(&fixture, "s", 04755, "x");
    fixture_read(&fixture);
    cr_assert_eq(fixture_entry(&fixture, "/s").mode, S_IFREG | 04755);
}

Test(file_tree, puts_a_source_under_its_guest_folder)
{
    cr_assert_eq(
        fixture_try(&fixture, fixture_source, "/srv/data", "./x", S_IFREG | 0644, "1", NULL), 0);
    fixture_read(&fixture);
    cr_assert_eq(fixture_entry(&fixture, "/srv/data/x").size, 1);
    cr_assert_eq(fixture_entry(&fixture, "/srv/data").mode, S_IFDIR | 0755);
}

Test(file_tree, ignores_the_mode_of_a_sources_top)
{
    cr_assert_eq(fixture_try(&fixture, fixture_source, "/srv", "./", S_IFDIR | 0700, NULL, NULL),
                 0);
    fixture_read(&fixture);
    cr_assert_eq(fixture_entry(&fixture, "/srv").mode, S_IFDIR | 0755);
}

Test(file_tree, lets_two_sources_share_a_folder)
{
    fixture_file(&fixture, "etc/a", 0644, "a");
    cr_assert_eq(fixture_try(&fixture, other_source, "/", "etc/", S_IFDIR | 0750, NULL, NULL), 0);
    cr_assert_eq(fixture_try(&fixture, other_source, "/", "etc/b", S_IFREG | 0644, "b", NULL), 0);
    fixture_read(&fixture);
    cr_assert_eq(fixture_entry(&fixture, "/etc").child_count, 2);
    cr_assert_eq(fixture_entry(&fixture, "/etc").mode, S_IFDIR | 0750);
}

Test(file_tree, refuses_a_file_from_two_sources)
{
    fixture_file(&fixture, "etc/motd", 0644, "a");
    expect_refused(fixture_try(&fixture, other_source, "/etc", "motd", S_IFREG | 0644, "b", NULL),
                   "kiln: more.zip: motd: /etc/motd is also a file in data.tar\n");
}

Test(file_tree, refuses_a_file_given_twice)
{
    fixture_file(&fixture, "a", 0644, "1");
    expect_refused(fixture_try(&fixture, fixture_source, "/", "./a", S_IFREG | 0644, "2", NULL),
                   "kiln: data.tar: ./a: /a is also a file in data.tar\n");
}

Test(file_tree, refuses_a_file_where_a_folder_is)
{
    fixture_file(&fixture, "a/b", 0644, "1");
    expect_refused(fixture_try(&fixture, other_source, "/", "a", S_IFLNK | 0777, "x", NULL),
                   "kiln: more.zip: a: /a is also a folder in data.tar\n");
}

Test(file_tree, refuses_a_folder_beneath_a_file)
{
    fixture_file(&fixture, "a", 0644, "1");
    expect_refused(fixture_try(&fixture, other_source, "/", "a/b", S_IFREG | 0644, "2", NULL),
                   "kiln: more.zip: a/b: /a is also a file in data.tar\n");
}

Test(file_tree, refuses_a_file_as_the_guest_folder)
{
    expect_refused(fixture_try(&fixture, fixture_source, "/srv", ".", S_IFREG | 0644, "x", NULL),
                   "kiln: data.tar: .: names the guest folder /srv itself, which must be a "
                   "folder\n");
}

Test(file_tree, refuses_a_name_that_leaves_the_guest_folder)
{
    expect_refused(
        fixture_try(&fixture, fixture_source, "/srv", "../etc/passwd", S_IFREG | 0644, "x", NULL),
        "kiln: data.tar: ../etc/passwd: a \"..\" component, which could leave the guest "
        "folder\n");
}

Test(file_tree, refuses_an_absolute_name)
{
    expect_refused(
        fixture_try(&fixture, fixture_source, "/", "/etc/passwd", S_IFREG | 0644, "x", NULL),
        "kiln: data.tar: /etc/passwd: an absolute name\n");
}

Test(file_tree, refuses_a_device)
{
    expect_refused(
        fixture_try(&fixture, fixture_source, "/", "dev/null", S_IFCHR | 0666, NULL, NULL),
        "kiln: data.tar: dev/null: not a file, folder or symlink\n");
}

Test(file_tree, refuses_a_symlink_with_an_empty_target)
{
    expect_refused(fixture_try(&fixture, fixture_source, "/", "l", S_IFLNK | 0777, "", NULL),
                   "kiln: data.tar: l: a symlink with an empty target\n");
}

Test(file_tree, refuses_a_symlink_target_over_4095_bytes)
{
    char target[KILN_PATH_MAX + 1];
    memset(target, 'x', KILN_PATH_MAX);
    target[KILN_PATH_MAX] = '\0';
    expect_refused(fixture_try(&fixture, fixture_source, "/", "l", S_IFLNK | 0777, target, NULL),
                   "kiln: data.tar: l: a symlink target longer than 4095 bytes\n");
}

Test(file_tree, refuses_a_hard_link_to_nothing_before_it)
{
    expect_refused(fixture_try(&fixture, fixture_source, "/", "b", 0, NULL, "a"),
                   "kiln: data.tar: b: a hard link to a, which is not a file before it\n");
}

Test(file_tree, refuses_a_hard_link_into_another_source)
{
    fixture_file(&fixture, "a", 0644, "1");
    expect_refused(fixture_try(&fixture, other_source, "/", "b", 0, NULL, "a"),
                   "kiln: more.zip: b: a hard link to a, which is not a file before it\n");
}

Test(file_tree, gives_a_hard_links_bytes_to_every_link)
{
    fixture_file(&fixture, "a", 0644, "");
    cr_assert_eq(fixture_try(&fixture, fixture_source, "/", "b", 0, "newc", "a"), 0);
    fixture_read(&fixture);
    struct kiln_files_entry a = fixture_entry(&fixture, "/a");
    cr_assert_eq(a.size, 4);
    cr_assert_arr_eq(files_reader_data(&fixture.reader, &a), "newc", 4);
}
