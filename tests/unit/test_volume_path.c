#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "monitor/volume_path.h"
#include "scratch_dir.h"

static char path[KILN_PATH_MAX];

static int copy(const char *text)
{
    return volume_path_copy(path, (const uint8_t *)text, strlen(text));
}

Test(volume_path, a_guest_path_is_copied_with_a_nul)
{
    cr_assert_eq(copy("a/b"), 0);
    cr_assert_str_eq(path, "a/b");
    cr_assert_eq(copy(""), 0);
    cr_assert_str_eq(path, "");
}

Test(volume_path, a_path_of_kiln_path_max_bytes_is_too_long)
{
    static uint8_t text[KILN_PATH_MAX];
    memset(text, 'a', sizeof text);
    cr_assert_eq(volume_path_copy(path, text, KILN_PATH_MAX - 1), 0);
    cr_assert_eq(volume_path_copy(path, text, KILN_PATH_MAX), -ENAMETOOLONG);
}

Test(volume_path, a_nul_inside_a_path_is_einval)
{
    cr_assert_eq(volume_path_copy(path, (const uint8_t *)"a\0b", 3), -EINVAL);
}

static struct volume_name split_of(const char *text)
{
    struct volume_name split;
    strcpy(path, text);
    volume_path_split(path, &split);
    return split;
}

static void assert_split(const char *text, const char *parent, const char *name,
                         enum volume_name_kind kind, bool trailing_slash)
{
    struct volume_name split = split_of(text);
    cr_assert_str_eq(split.parent, parent, "%s", text);
    cr_assert_str_eq(split.name, name, "%s", text);
    cr_assert_eq(split.kind, kind, "%s", text);
    cr_assert_eq(split.trailing_slash, trailing_slash, "%s", text);
}

Test(volume_path, a_path_splits_into_parent_and_last_name)
{
    assert_split("a", ".", "a", VOLUME_NAME_PLAIN, false);
    assert_split("a/b/c", "a/b", "c", VOLUME_NAME_PLAIN, false);
    assert_split("/c", "/", "c", VOLUME_NAME_PLAIN, false);
    assert_split("a//c", "a/", "c", VOLUME_NAME_PLAIN, false);
    assert_split("../../etc/passwd", "../../etc", "passwd", VOLUME_NAME_PLAIN, false);
}

Test(volume_path, a_trailing_slash_stays_on_the_name_and_is_noted)
{
    assert_split("a/b/", "a", "b/", VOLUME_NAME_PLAIN, true);
    assert_split("sub//", ".", "sub//", VOLUME_NAME_PLAIN, true);
}

Test(volume_path, dot_dotdot_and_the_volume_s_folder_are_named)
{
    assert_split("a/.", "a", ".", VOLUME_NAME_DOT, false);
    assert_split("a/..", "a", "..", VOLUME_NAME_DOTDOT, false);
    assert_split("../", ".", "../", VOLUME_NAME_DOTDOT, true);
    assert_split("", ".", ".", VOLUME_NAME_ROOT, false);
    assert_split("///", ".", ".", VOLUME_NAME_ROOT, true);
}

static int flags_of(uint32_t guest, bool read_only, uint64_t *host)
{
    return volume_open_flags(guest, read_only, host);
}

Test(volume_path, the_open_flags_a_guest_may_give)
{
    uint64_t host;
    cr_assert_eq(
        flags_of(O_RDWR | O_CREAT | O_EXCL | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, false, &host), 0);
    cr_assert_eq(host, O_RDWR | O_CREAT | O_EXCL | O_TRUNC | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY |
                           O_NONBLOCK);
    cr_assert_eq(flags_of(O_RDONLY | O_DIRECTORY | O_NONBLOCK | O_LARGEFILE, false, &host), 0);
}

Test(volume_path, o_append_stays_in_the_guest)
{
    uint64_t host;
    cr_assert_eq(flags_of(O_WRONLY | O_APPEND, false, &host), 0);
    cr_assert_eq(host & O_APPEND, 0);
}

Test(volume_path, other_open_flags_are_refused)
{
    uint64_t host;
    cr_assert_eq(flags_of(O_RDONLY | O_PATH, false, &host), -EOPNOTSUPP);
    cr_assert_eq(flags_of(O_RDWR | O_TMPFILE, false, &host), -EOPNOTSUPP);
    cr_assert_eq(flags_of(O_RDONLY | O_DIRECT, false, &host), -EINVAL);
    cr_assert_eq(flags_of(O_RDONLY | O_NOATIME, false, &host), -EINVAL);
    cr_assert_eq(flags_of(O_ACCMODE, false, &host), -EINVAL);
    cr_assert_eq(flags_of(0x80000000u, false, &host), -EINVAL);
}

Test(volume_path, a_read_only_volume_refuses_writing_creating_and_truncating)
{
    uint64_t host;
    cr_assert_eq(flags_of(O_RDONLY, true, &host), 0);
    cr_assert_eq(flags_of(O_RDONLY | O_DIRECTORY, true, &host), 0);
    cr_assert_eq(flags_of(O_WRONLY, true, &host), -EROFS);
    cr_assert_eq(flags_of(O_RDWR, true, &host), -EROFS);
    cr_assert_eq(flags_of(O_RDONLY | O_CREAT, true, &host), -EROFS);
    cr_assert_eq(flags_of(O_RDONLY | O_TRUNC, true, &host), -EROFS);
}

Test(volume_path, modes_lose_setuid_and_setgid)
{
    cr_assert_eq(volume_mode(04755), 0755);
    cr_assert_eq(volume_mode(02775), 0775);
    cr_assert_eq(volume_mode(01777), 01777);
    cr_assert_eq(volume_mode(S_IFREG | 0644), 0644);
}

/* Resolution against a real folder: scratch/root is the volume, and
 * scratch/secret lies next to it. */
static char scratch[sizeof SCRATCH_TEMPLATE];
static int root = -1;

static void make_volume(void)
{
    char at[PATH_MAX];
    scratch_dir_make(scratch);
    scratch_path(at, sizeof at, scratch, "root");
    cr_assert_eq(mkdir(at, 0755), 0);
    root = open(at, O_PATH | O_DIRECTORY | O_CLOEXEC);
    cr_assert_geq(root, 0);
    scratch_path(at, sizeof at, scratch, "secret");
    close(open(at, O_CREAT | O_WRONLY, 0600));
    cr_assert_eq(symlinkat("../secret", root, "up"), 0);
    cr_assert_eq(symlinkat(at, root, "absolute"), 0);
}

static void remove_volume(void)
{
    close(root);
    scratch_dir_remove(scratch);
}

TestSuite(volume_resolve, .init = make_volume, .fini = remove_volume);

Test(volume_resolve, nothing_resolves_outside_the_volume)
{
    cr_assert_eq(volume_resolve(root, "../secret", O_RDONLY, 0), -ENOENT);
    cr_assert_eq(volume_resolve(root, "up", O_RDONLY, 0), -ENOENT);
    cr_assert_eq(volume_resolve(root, "absolute", O_RDONLY, 0), -ENOENT);
    cr_assert_eq(volume_resolve(root, "/../../secret", O_RDONLY, 0), -ENOENT);
}

Test(volume_resolve, the_empty_path_is_the_volume_s_folder)
{
    int fd = volume_resolve(root, "", O_RDONLY | O_DIRECTORY, 0);
    cr_assert_geq(fd, 0);
    close(fd);
}

Test(volume_resolve, a_file_is_created_with_the_guest_s_mode)
{
    struct stat st;
    umask(022);
    int fd = volume_resolve(root, "new", O_WRONLY | O_CREAT | O_EXCL, 04640);
    cr_assert_geq(fd, 0);
    cr_assert_eq(fstat(fd, &st), 0);
    cr_assert_eq(st.st_mode & 07777, 0640);
    close(fd);
}

Test(volume_resolve, nofollow_acts_on_a_plain_last_name_in_its_parent)
{
    const char *name;
    struct stat st;
    int fd = volume_resolve_last(root, "/up", true, &name);
    cr_assert_geq(fd, 0);
    cr_assert_str_eq(name, "up");
    cr_assert_eq(fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW), 0);
    cr_assert(S_ISLNK(st.st_mode));
    close(fd);
}

Test(volume_resolve, following_or_a_trailing_slash_resolves_the_whole_path)
{
    const char *name;
    cr_assert_eq(volume_resolve_last(root, "up", false, &name), -ENOENT, "up leads outside");
    cr_assert_eq(volume_resolve_last(root, "absolute/", true, &name), -ENOENT);
    int fd = volume_resolve_last(root, "..", true, &name);
    cr_assert_geq(fd, 0, ".. of the volume's folder is the folder");
    cr_assert_str_eq(name, "");
    close(fd);
}
