/* The path walk over a root volume (fs_walk.h): what the layer names is
 * the layer's, what it lacks where the root volume shows through is the
 * root volume's, by its path from "/". */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "layer_fixture.h"
#include "runtime/fs_folder.h"
#include "runtime/fs_names.h"

#define ROOT_VOLUME 4

static struct files_fixture files;
static struct fs fs;
static struct fs_place place;

/* The image's /etc/app.conf and /usr/lib/libc.so, with symlinks, over
 * volume ROOT_VOLUME at "/". */
static void tree(void)
{
    fixture_start(&files);
    fixture_file(&files, "etc/app.conf", 0644, "mine\n");
    fixture_file(&files, "usr/lib/libc.so", 0755, "ELF");
    fixture_symlink(&files, "lib", "usr/lib");
    fixture_symlink(&files, "usr/lib/up", "../../etc");
    layer_start(&fs, &files);
    fs.root_volume = ROOT_VOLUME;
}

TestSuite(fs_root_volume, .init = tree);

/* The walk hands path to the root volume as expected. */
static void assert_root_volume_path(const char *path, const char *expected)
{
    cr_assert_eq(layer_walk(&fs, path, 0, &place), 0, "%s", path);
    cr_assert_eq(place.volume, ROOT_VOLUME, "%s", path);
    cr_assert_eq(place.path_len, strlen(expected), "%s: %.*s", path, (int)place.path_len,
                 place.path);
    cr_assert_eq(memcmp(place.path, expected, place.path_len), 0, "%s: %.*s", path,
                 (int)place.path_len, place.path);
}

static void assert_in_layer(const char *path)
{
    cr_assert_eq(layer_walk(&fs, path, 0, &place), 0, "%s", path);
    cr_assert_eq(place.volume, FS_NO_VOLUME, "%s", path);
    cr_assert_not_null(place.node, "%s", path);
}

Test(fs_root_volume, a_name_the_layer_lacks_is_the_root_volume_s)
{
    assert_root_volume_path("/bin/sh", "bin/sh");
    assert_root_volume_path("/etc/passwd", "etc/passwd");
    assert_root_volume_path("/usr/lib/libm.so", "usr/lib/libm.so");
    assert_root_volume_path("//srv//app/", "srv/app/");
    assert_root_volume_path("/etc/../var/./log", "var/./log");
}

Test(fs_root_volume, the_image_s_files_and_folders_stay_the_layer_s)
{
    assert_in_layer("/etc/app.conf");
    assert_in_layer("/etc");
    assert_in_layer("/");
    assert_in_layer("/usr/lib/libc.so");
}

Test(fs_root_volume, symlinks_and_dotdot_in_the_layer_lead_by_their_path)
{
    assert_root_volume_path("/lib/libm.so", "usr/lib/libm.so");
    assert_root_volume_path("/lib/up/passwd", "etc/passwd");
    assert_root_volume_path("/usr/lib/../../opt", "opt");
    fs_set_cwd_dir(&fs, layer_node(&fs, "/usr/lib"));
    assert_root_volume_path("../share", "usr/share");
}

Test(fs_root_volume, another_volume_wins_for_its_folder)
{
    struct fs_node *folder;
    cr_assert_eq(fs_make_folders(&fs, "/data", 5, 0755, &folder), 0);
    folder->volume = 1;
    cr_assert_eq(layer_walk(&fs, "/data/x", 0, &place), 0);
    cr_assert_eq(place.volume, 0);
    cr_assert_eq(memcmp(place.path, "x", place.path_len), 0);
}

Test(fs_root_volume, an_opaque_folder_hides_it_below_as_well)
{
    struct fs_node *folder;
    cr_assert_eq(fs_make_folders(&fs, "/tmp/a", 6, 0755, &folder), 0);
    layer_node(&fs, "/tmp")->opaque = true;
    cr_assert_eq(layer_walk(&fs, "/tmp/x", 0, &place), 0);
    cr_assert_eq(place.volume, FS_NO_VOLUME);
    cr_assert_null(place.node);
    cr_assert_eq(layer_walk(&fs, "/tmp/a/x/y", 0, &place), -ENOENT);
    cr_assert_not(fs_shows_root_volume(&fs, folder));
    cr_assert(fs_shows_root_volume(&fs, layer_node(&fs, "/etc")));
}

Test(fs_root_volume, the_layer_walk_never_reaches_it)
{
    cr_assert_eq(layer_walk(&fs, "/etc/passwd", FS_WALK_LAYER, &place), 0);
    cr_assert_eq(place.volume, FS_NO_VOLUME);
    cr_assert_null(place.node);
    cr_assert_eq(layer_walk(&fs, "/bin/sh", FS_WALK_LAYER, &place), -ENOENT);
}

Test(fs_root_volume, without_one_a_missing_name_is_missing)
{
    fs.root_volume = FS_NO_VOLUME;
    cr_assert_eq(layer_walk(&fs, "/bin/sh", 0, &place), -ENOENT);
    cr_assert_not(fs_shows_root_volume(&fs, fs.root));
}

Test(fs_root_volume, a_folder_s_path_is_its_names_from_the_root)
{
    char path[64];
    cr_assert_eq(fs_folder_path(&fs, layer_node(&fs, "/usr/lib"), path, sizeof path), 7);
    cr_assert_eq(memcmp(path, "usr/lib", 7), 0);
    cr_assert_eq(fs_folder_path(&fs, fs.root, path, sizeof path), 0);
    cr_assert_eq(fs_folder_path(&fs, layer_node(&fs, "/usr/lib"), path, 7), -ENAMETOOLONG);
}

Test(fs_root_volume, a_mounted_folder_is_empty_over_the_image_s)
{
    struct fs_node *root = fs.root, *folder;
    uint32_t links = root->nlink;
    cr_assert_eq(layer_walk(&fs, "/etc", FS_WALK_LAST | FS_WALK_LAYER, &place), 0);
    cr_assert_eq(fs_mount_folder(&fs, &place, 01777, &folder), 0);
    cr_assert_eq(layer_node(&fs, "/etc"), folder);
    cr_assert_eq(folder->mode, S_IFDIR | 01777);
    cr_assert_eq(fs_folder_count(&fs, folder), 0);
    cr_assert_eq(folder->parent, root);
    cr_assert_eq(root->nlink, links, "one folder in place of another");
    cr_assert_eq(layer_walk(&fs, "/lib", FS_WALK_LAST | FS_WALK_LAYER, &place), 0);
    cr_assert_eq(fs_mount_folder(&fs, &place, 01777, &folder), 0);
    cr_assert_eq(root->nlink, links + 1, "a folder in place of a symlink");
}

Test(fs_root_volume, an_opaque_folder_is_a_mount_rmdir_and_rename_refuse)
{
    struct fs_node *folder;
    cr_assert_eq(fs_make_folders(&fs, "/run", 4, 0755, &folder), 0);
    folder->opaque = true;
    cr_assert_eq(layer_walk(&fs, "/run", FS_WALK_LAST, &place), 0);
    cr_assert_eq(fs_rmdir(&fs, &place), -EBUSY);
    struct fs_place to;
    cr_assert_eq(layer_walk(&fs, "/etc/run", FS_WALK_LAST | FS_WALK_LAYER, &to), 0);
    cr_assert_eq(fs_rename(&fs, &place, &to, 0), -EBUSY);
}
