/* The runtime's writable layer over embedded files: copy-up, names,
 * node lifetimes and running out of memory. */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "layer_fixture.h"
#include "runtime/fs_file.h"
#include "runtime/fs_folder.h"
#include "runtime/fs_names.h"

static struct files_fixture files;
static struct fs fs;
static struct fs_place from, to;

static void tree(void)
{
    fixture_start(&files);
    fixture_file(&files, "etc/hosts", 0644, "127.0.0.1 localhost\n");
    fixture_file(&files, "etc/motd", 0644, "welcome\n");
    fixture_hardlink(&files, "etc/motd.link", "etc/motd");
    fixture_folder(&files, "srv/empty", 0755);
    fixture_file(&files, "srv/full/a", 0644, "a");
    layer_start(&fs, &files);
}

TestSuite(fs_layer, .init = tree);

static struct fs_node *node(const char *path)
{
    struct fs_node *found = layer_node(&fs, path);
    cr_assert_not_null(found, "%s", path);
    return found;
}

static void at(struct fs_place *place, const char *path)
{
    cr_assert_eq(layer_walk(&fs, path, FS_WALK_LAST, place), 0, "%s", path);
}

static int rename_paths(const char *old, const char *new, unsigned flags)
{
    at(&from, old);
    at(&to, new);
    return -fs_rename(&fs, &from, &to, flags);
}

static int remove_path(const char *path, bool folder)
{
    at(&from, path);
    return -(folder ? fs_rmdir(&fs, &from) : fs_unlink(&fs, &from));
}

Test(fs_layer, writing_an_embedded_file_copies_it_up_in_place)
{
    struct fs_node *hosts = node("/etc/hosts");
    const char *image = fs_file_image_bytes(&fs, hosts);
    cr_assert_not_null(image, "an untouched embedded file reads from the image");
    cr_assert_eq(fs_file_write(&fs, hosts, "::1", 3, 0), 3);
    cr_assert_eq(node("/etc/hosts"), hosts, "the same node: open files see the change");
    cr_assert_str_eq(layer_read(&fs, hosts), "::1.0.0.1 localhost\n");
    cr_assert_null(fs_file_image_bytes(&fs, hosts));
    cr_assert_eq(memcmp(image, "127.0.0.1", 9), 0, "the image's pages stay as they were");
}

Test(fs_layer, hard_links_in_the_image_share_one_node)
{
    struct fs_node *motd = node("/etc/motd");
    cr_assert_eq(node("/etc/motd.link"), motd);
    cr_assert_eq(motd->nlink, 2);
    cr_assert_eq(fs_file_truncate(&fs, motd, 3), 0);
    cr_assert_str_eq(layer_read(&fs, node("/etc/motd.link")), "wel");
}

Test(fs_layer, removing_an_embedded_name_copies_its_folder_up_and_keeps_the_rest)
{
    cr_assert_eq(remove_path("/etc/hosts", false), 0);
    cr_assert_null(layer_node(&fs, "/etc/hosts"));
    cr_assert_str_eq(layer_read(&fs, node("/etc/motd")), "welcome\n");
    cr_assert_eq(fs_folder_count(&fs, node("/etc")), 2);
    layer_put(&fs, "/etc/hosts", "new");
    cr_assert_str_eq(layer_read(&fs, node("/etc/hosts")), "new");
}

Test(fs_layer, rename_over_a_file_replaces_it_and_frees_the_old_one)
{
    struct fs_node *hosts = node("/etc/hosts");
    layer_put(&fs, "/tmpfile", "replacement");
    cr_assert_eq(rename_paths("/tmpfile", "/etc/hosts", 0), 0);
    cr_assert_null(layer_node(&fs, "/tmpfile"));
    cr_assert_str_eq(layer_read(&fs, node("/etc/hosts")), "replacement");
    cr_assert_eq(hosts->nlink, 0);
}

Test(fs_layer, rename_refuses_as_linux_does)
{
    cr_assert_eq(rename_paths("/srv/empty", "/srv/empty/inside", 0), EINVAL);
    cr_assert_eq(rename_paths("/srv/full/a", "/srv", 0), ENOTEMPTY);
    cr_assert_eq(rename_paths("/srv/empty", "/etc/hosts", 0), ENOTDIR);
    cr_assert_eq(rename_paths("/etc/hosts", "/srv/empty", 0), EISDIR);
    cr_assert_eq(rename_paths("/srv/empty", "/srv/full", 0), ENOTEMPTY);
    cr_assert_eq(rename_paths("/etc/hosts", "/etc/motd", FS_RENAME_NOREPLACE), EEXIST);
    cr_assert_eq(rename_paths("/etc/hosts", "/etc/none", FS_RENAME_EXCHANGE), ENOENT);
    cr_assert_eq(rename_paths("/etc/none", "/etc/x", 0), ENOENT);
    cr_assert_eq(rename_paths("/etc/motd", "/etc/motd.link", 0), 0, "hard links: nothing to do");
    cr_assert_not_null(layer_node(&fs, "/etc/motd"));
}

Test(fs_layer, rename_moves_a_folder_with_its_dotdot_and_link_counts)
{
    struct fs_node *srv = node("/srv"), *etc = node("/etc"), *empty = node("/srv/empty");
    uint32_t srv_links = srv->nlink, etc_links = etc->nlink;
    cr_assert_eq(rename_paths("/srv/empty", "/etc/moved", 0), 0);
    cr_assert_eq(node("/etc/moved/.."), etc);
    cr_assert_eq(empty->parent, etc);
    cr_assert_eq(srv->nlink, srv_links - 1);
    cr_assert_eq(etc->nlink, etc_links + 1);
}

Test(fs_layer, rename_exchange_swaps_the_two)
{
    struct fs_node *hosts = node("/etc/hosts"), *a = node("/srv/full/a");
    cr_assert_eq(rename_paths("/etc/hosts", "/srv/full/a", FS_RENAME_EXCHANGE), 0);
    cr_assert_eq(node("/etc/hosts"), a);
    cr_assert_eq(node("/srv/full/a"), hosts);
}

Test(fs_layer, an_unlinked_open_file_lives_until_released)
{
    struct fs_node *file = layer_put(&fs, "/held", "still here");
    fs_node_hold(file);
    cr_assert_eq(remove_path("/held", false), 0);
    cr_assert_null(layer_node(&fs, "/held"));
    cr_assert_eq(file->nlink, 0);
    cr_assert_str_eq(layer_read(&fs, file), "still here");
    cr_assert_eq(fs_file_write(&fs, file, "!", 1, 10), 1);
    fs_node_release(&fs, file);
}

Test(fs_layer, rmdir_and_unlink_refuse_as_linux_does)
{
    cr_assert_eq(remove_path("/srv/full", true), ENOTEMPTY);
    cr_assert_eq(remove_path("/etc/hosts", true), ENOTDIR);
    cr_assert_eq(remove_path("/srv/empty", false), EISDIR);
    cr_assert_eq(remove_path("/srv/none", true), ENOENT);
    cr_assert_eq(remove_path("/", true), EBUSY);
    cr_assert_eq(remove_path("/srv/.", true), EINVAL);
    cr_assert_eq(remove_path("/srv/empty", true), 0);
    cr_assert_null(layer_node(&fs, "/srv/empty"));
}

Test(fs_layer, a_removed_folder_takes_no_new_names)
{
    struct fs_node *made, *empty = node("/srv/empty");
    fs_set_cwd_dir(&fs, empty);
    cr_assert_eq(remove_path("/srv/empty", true), 0);
    at(&from, "x");
    cr_assert_eq(fs_make(&fs, &from, S_IFREG | 0644, NULL, 0, &made), -ENOENT);
}

Test(fs_layer, mkdir_p_makes_each_missing_folder)
{
    struct fs_node *folder;
    cr_assert_eq(fs_make_folders(&fs, "/srv/full/b/c", 13, 0755, &folder), 0);
    cr_assert_eq(node("/srv/full/b/c"), folder);
    cr_assert_eq(node("/srv/full/b")->nlink, 3);
    cr_assert_eq(fs_make_folders(&fs, "/etc/hosts/x", 12, 0755, &folder), -ENOTDIR);
}

Test(fs_layer, writes_past_the_end_leave_holes_that_read_as_zeros)
{
    struct fs_node *file = layer_put(&fs, "/sparse", "a");
    char bytes[8] = "xxxxxxx";
    cr_assert_eq(fs_file_write(&fs, file, "z", 1, 3 * FS_PAGE_SIZE), 1);
    cr_assert_eq(file->size, 3 * FS_PAGE_SIZE + 1);
    cr_assert_eq(fs_file_read(&fs, file, bytes, 4, FS_PAGE_SIZE), 4);
    cr_assert_eq(memcmp(bytes, "\0\0\0\0", 4), 0);
    cr_assert_eq(fs_file_seek_data(file, 10, true), FS_PAGE_SIZE);
    cr_assert_eq(fs_file_seek_data(file, FS_PAGE_SIZE + 10, false), 3 * FS_PAGE_SIZE);
    cr_assert_eq(fs_file_seek_data(file, 10, false), 10);
}

Test(fs_layer, running_out_of_pages_is_enospc_and_changes_nothing)
{
    struct fs_node *hosts = node("/etc/hosts");
    layer_page_limit(0);
    cr_assert_eq(fs_file_write(&fs, hosts, "x", 1, 0), -ENOSPC);
    cr_assert_str_eq(layer_read(&fs, hosts), "127.0.0.1 localhost\n");
    at(&from, "/etc/new");
    struct fs_node *made;
    cr_assert_eq(fs_make(&fs, &from, S_IFREG | 0644, NULL, 0, &made), -ENOSPC);
    cr_assert_null(layer_node(&fs, "/etc/new"));
}

Test(fs_layer, a_write_that_runs_out_on_the_way_is_short)
{
    struct fs_node *file = layer_put(&fs, "/big", "");
    static char bytes[4 * FS_PAGE_SIZE];
    layer_page_limit(2);
    int64_t wrote = fs_file_write(&fs, file, bytes, sizeof bytes, 0);
    cr_assert(wrote > 0 && wrote < (int64_t)sizeof bytes, "wrote %ld", (long)wrote);
    cr_assert_eq(file->size, (uint64_t)wrote);
}

Test(fs_layer, freed_pages_serve_the_next_files)
{
    static char bytes[8 * FS_PAGE_SIZE];
    struct fs_node *first = layer_put(&fs, "/first", "");
    cr_assert_eq(fs_file_write(&fs, first, bytes, sizeof bytes, 0), (int64_t)sizeof bytes);
    cr_assert_eq(remove_path("/first", false), 0);
    layer_page_limit(0);
    struct fs_node *second = layer_put(&fs, "/second", "");
    cr_assert_eq(fs_file_write(&fs, second, bytes, 4 * FS_PAGE_SIZE, 0), 4 * FS_PAGE_SIZE);
}

Test(fs_layer, a_layer_without_embedded_files_starts_empty)
{
    struct fs empty;
    layer_start(&empty, NULL);
    cr_assert_eq(fs_folder_count(&empty, empty.root), 0);
    cr_assert(S_ISDIR(empty.root->mode));
    cr_assert_eq(empty.root->parent, empty.root);
}
