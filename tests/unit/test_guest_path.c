#include <criterion/criterion.h>
#include <string.h>

#include "builder/guest_path.h"

static char path[KILN_PATH_MAX];
static const char *why;

static void expect_joined(const char *dir, const char *name, const char *expected)
{
    cr_assert_eq(guest_path_join(path, dir, name, &why), 0, "%s + %s: %s", dir, name, why);
    cr_assert_str_eq(path, expected);
}

static void expect_refused(const char *dir, const char *name, const char *reason)
{
    cr_assert_eq(guest_path_join(path, dir, name, &why), -1, "%s + %s", dir, name);
    cr_assert(strstr(why, reason) != NULL, "%s", why);
}

/* A string of len copies of c. */
static char *repeat(char c, size_t len)
{
    char *text = malloc(len + 1);
    cr_assert_not_null(text);
    memset(text, c, len);
    text[len] = '\0';
    return text;
}

Test(guest_path, joins_the_guest_folder_and_the_name)
{
    expect_joined("/", "etc/motd", "/etc/motd");
    expect_joined("/srv", "a/b", "/srv/a/b");
    expect_joined("/srv/", "a", "/srv/a");
}

Test(guest_path, drops_dots_empty_components_and_trailing_slashes)
{
    expect_joined("/", "./etc//motd", "/etc/motd");
    expect_joined("/srv", "sub/", "/srv/sub");
    expect_joined("//srv/./data/", "./", "/srv/data");
}

Test(guest_path, names_the_guest_folder_itself)
{
    expect_joined("/", "", "/");
    expect_joined("/", "./", "/");
    expect_joined("/srv", ".", "/srv");
    cr_assert(guest_path_is_here("./"));
    cr_assert(guest_path_is_here(""));
    cr_assert_not(guest_path_is_here("./a"));
}

Test(guest_path, refuses_a_dot_dot_anywhere)
{
    expect_refused("/", "../etc/passwd", "\"..\"");
    expect_refused("/srv", "a/../../etc", "\"..\"");
    expect_refused("/srv", "a/..", "\"..\"");
    expect_refused("/srv/..", "a", "\"..\"");
}

Test(guest_path, keeps_names_that_only_start_with_dots)
{
    expect_joined("/", "..a/.b/...", "/..a/.b/...");
}

Test(guest_path, refuses_an_absolute_name)
{
    expect_refused("/", "/etc/passwd", "absolute");
}

Test(guest_path, refuses_a_relative_guest_folder)
{
    expect_refused("srv", "a", "not absolute");
}

Test(guest_path, takes_names_of_255_bytes_not_256)
{
    char *longest = repeat('n', KILN_FILES_NAME_MAX), *over = repeat('n', KILN_FILES_NAME_MAX + 1);
    cr_assert_eq(guest_path_join(path, "/", longest, &why), 0);
    expect_refused("/", over, "longer than 255 bytes");
    free(longest);
    free(over);
}

/* A relative name of len bytes in components of 99 bytes. */
static char *deep_name(size_t len)
{
    char *name = repeat('x', len);
    for (size_t i = 99; i < len - 1; i += 100)
        name[i] = '/';
    return name;
}

Test(guest_path, takes_paths_of_4095_bytes_not_4096)
{
    char *fits = deep_name(GUEST_PATH_LEN_MAX - 1), *over = deep_name(GUEST_PATH_LEN_MAX);
    cr_assert_eq(guest_path_join(path, "/", fits, &why), 0, "%s", why);
    cr_assert_eq(strlen(path), GUEST_PATH_LEN_MAX);
    expect_refused("/", over, "longer than 4095 bytes");
    free(fits);
    free(over);
}
