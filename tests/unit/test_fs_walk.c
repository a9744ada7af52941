/* The runtime's path walk over embedded files and the layer above them. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "layer_fixture.h"
#include "runtime/fs_names.h"

static struct files_fixture files;
static struct fs fs;
static struct fs_place place;

/* /etc/hosts, /usr/lib/libc.so and symlinks among them. */
static void tree(void)
{
    fixture_start(&files);
    fixture_file(&files, "etc/hosts", 0644, "127.0.0.1 localhost\n");
    fixture_file(&files, "usr/lib/libc.so", 0755, "ELF");
    fixture_symlink(&files, "lib", "usr/lib");
    fixture_symlink(&files, "usr/lib/abs", "/etc/hosts");
    fixture_symlink(&files, "usr/lib/up", "../../etc");
    fixture_symlink(&files, "loop1", "loop2");
    fixture_symlink(&files, "loop2", "loop1");
    layer_start(&fs, &files);
}

TestSuite(fs_walk, .init = tree);

static struct fs_node *found(const char *path)
{
    cr_assert_eq(layer_walk(&fs, path, 0, &place), 0, "%s", path);
    return place.node;
}

static int refusal(const char *path, unsigned flags)
{
    return -layer_walk(&fs, path, flags, &place);
}

/* A chain of symlinks link0 -> link1 -> ... -> linkN -> /etc/hosts. */
static void chain(int links)
{
    char name[32], target[32];
    struct fs_node *made;

    for (int i = 0; i < links; i++) {
        snprintf(name, sizeof name, "/link%d", i);
        if (i + 1 < links)
            snprintf(target, sizeof target, "link%d", i + 1);
        else
            snprintf(target, sizeof target, "/etc/hosts");
        cr_assert_eq(layer_walk(&fs, name, FS_WALK_LAST, &place), 0);
        cr_assert_eq(fs_make(&fs, &place, S_IFLNK | 0777, target, strlen(target), &made), 0);
    }
}

Test(fs_walk, dot_and_dotdot_resolve_and_dotdot_at_the_root_stays_there)
{
    struct fs_node *etc = found("/etc");
    cr_assert_eq(found("/etc/."), etc);
    cr_assert_eq(found("/etc/../etc/./"), etc);
    cr_assert_eq(found("/.."), fs.root);
    cr_assert_eq(found("/../../.."), fs.root);
    cr_assert_eq(found("//etc//hosts"), found("/etc/hosts"));
    cr_assert_eq(found("/"), fs.root);
    cr_assert_eq(place.last, FS_LAST_ROOT);
    cr_assert_eq(found("/etc/.."), fs.root);
    cr_assert_eq(place.last, FS_LAST_DOTDOT);
}

Test(fs_walk, relative_paths_start_at_the_cwd)
{
    fs_set_cwd_dir(&fs, found("/usr/lib"));
    cr_assert_eq(found("libc.so"), found("/usr/lib/libc.so"));
    cr_assert_eq(found(".."), found("/usr"));
}

Test(fs_walk, symlinks_relative_and_absolute_are_followed)
{
    struct fs_node *hosts = found("/etc/hosts");
    cr_assert_eq(found("/lib/libc.so"), found("/usr/lib/libc.so"));
    cr_assert_eq(found("/lib/abs"), hosts);
    cr_assert_eq(found("/lib/up/hosts"), hosts);
    cr_assert(S_ISDIR(found("/lib/")->mode), "a trailing slash follows a final symlink");
}

Test(fs_walk, a_final_symlink_is_the_answer_with_nofollow)
{
    cr_assert_eq(layer_walk(&fs, "/lib", FS_WALK_NOFOLLOW, &place), 0);
    cr_assert(S_ISLNK(place.node->mode));
    cr_assert_eq(layer_walk(&fs, "/lib/", FS_WALK_NOFOLLOW, &place), 0);
    cr_assert(S_ISDIR(place.node->mode));
    cr_assert_eq(layer_walk(&fs, "/lib/", FS_WALK_LAST, &place), 0);
    cr_assert(S_ISLNK(place.node->mode));
}

Test(fs_walk, a_symlink_loop_is_eloop)
{
    cr_assert_eq(refusal("/loop1", 0), ELOOP);
    cr_assert_eq(refusal("/loop1/x", FS_WALK_NOFOLLOW), ELOOP);
    cr_assert_eq(layer_walk(&fs, "/loop1", FS_WALK_NOFOLLOW, &place), 0);
}

Test(fs_walk, forty_symlinks_in_a_row_resolve)
{
    chain(FS_LINKS_MAX);
    cr_assert_eq(found("/link0"), found("/etc/hosts"));
}

Test(fs_walk, forty_one_symlinks_in_a_row_are_eloop)
{
    chain(FS_LINKS_MAX + 1);
    cr_assert_eq(refusal("/link0", 0), ELOOP);
}

Test(fs_walk, a_name_over_255_bytes_is_enametoolong)
{
    char path[300] = "/etc/";
    memset(path + 5, 'n', 255);
    cr_assert_eq(layer_walk(&fs, path, 0, &place), 0, "255 bytes is a name");
    cr_assert_null(place.node);
    path[5 + 255] = 'n';
    cr_assert_eq(refusal(path, 0), ENAMETOOLONG);
}

Test(fs_walk, a_path_through_a_file_is_enotdir)
{
    cr_assert_eq(refusal("/etc/hosts/x", 0), ENOTDIR);
    cr_assert_eq(refusal("/etc/hosts/", 0), ENOTDIR);
    cr_assert_eq(refusal("/lib/abs/", 0), ENOTDIR);
}

Test(fs_walk, a_missing_last_name_gives_the_folder_it_would_be_in)
{
    cr_assert_eq(layer_walk(&fs, "/etc/new", 0, &place), 0);
    cr_assert_null(place.node);
    cr_assert_eq(place.dir, found("/etc"));
    cr_assert_eq(layer_walk(&fs, "/etc/new", 0, &place), 0);
    cr_assert_eq(place.name_len, 3);
    cr_assert_eq(memcmp(place.name, "new", 3), 0);
    cr_assert_eq(refusal("/nowhere/new", 0), ENOENT);
}

Test(fs_walk, a_volume_folder_takes_the_rest_of_the_path_unchanged)
{
    struct fs_node *folder;
    cr_assert_eq(fs_make_folders(&fs, "/mnt/data", 9, 0755, &folder), 0);
    folder->volume = 3;
    cr_assert_eq(layer_walk(&fs, "/mnt/data/a/../../b/", 0, &place), 0);
    cr_assert_eq(place.volume, 2);
    cr_assert_eq(place.path_len, strlen("a/../../b/"));
    cr_assert_eq(memcmp(place.path, "a/../../b/", place.path_len), 0);
    cr_assert_eq(layer_walk(&fs, "/mnt/data", 0, &place), 0);
    cr_assert_eq(place.path_len, 1);
    cr_assert_eq(place.path[0], '.');
}

Test(fs_walk, a_symlink_into_a_volume_hands_over_its_target_and_the_rest)
{
    struct fs_node *folder, *made;
    cr_assert_eq(fs_make_folders(&fs, "/data", 5, 0755, &folder), 0);
    folder->volume = 1;
    cr_assert_eq(layer_walk(&fs, "/in", FS_WALK_LAST, &place), 0);
    cr_assert_eq(fs_make(&fs, &place, S_IFLNK | 0777, "/data/x", 7, &made), 0);
    cr_assert_eq(layer_walk(&fs, "/in/y", 0, &place), 0);
    cr_assert_eq(place.volume, 0);
    cr_assert_eq(place.path_len, 3);
    cr_assert_eq(memcmp(place.path, "x/y", 3), 0);
}

Test(fs_walk, a_cwd_beneath_a_volume_starts_relative_paths_there)
{
    cr_assert_eq(fs_set_cwd_volume(&fs, 1, "a/./b/../c/", 11), 0);
    cr_assert_eq(fs.cwd.path_len, 3);
    cr_assert_eq(memcmp(fs.cwd.path, "a/c", 3), 0);
    cr_assert_eq(layer_walk(&fs, "../x", 0, &place), 0);
    cr_assert_eq(place.volume, 1);
    cr_assert_eq(place.path_len, 8);
    cr_assert_eq(memcmp(place.path, "a/c/../x", 8), 0);
    cr_assert_eq(layer_walk(&fs, "/etc", 0, &place), 0);
    cr_assert_eq(place.volume, FS_NO_VOLUME);
}

Test(fs_walk, normalizing_keeps_dotdot_at_the_volume_root)
{
    char path[] = "../a//b/./../../../c/";
    uint32_t len = fs_path_normalize(path, (uint32_t)strlen(path));
    cr_assert_eq(len, 1);
    cr_assert_eq(path[0], 'c');
}
