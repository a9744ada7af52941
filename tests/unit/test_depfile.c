#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "builder/depfile.h"

#define MAX_PATHS 8

struct seen {
    char paths[MAX_PATHS][64];
    int count;
};

static int collect(const char *path, void *context)
{
    struct seen *seen = context;
    cr_assert_lt(seen->count, MAX_PATHS);
    snprintf(seen->paths[seen->count++], sizeof seen->paths[0], "%s", path);
    return 0;
}

static struct seen parse(const char *text)
{
    struct seen seen = {0};
    cr_assert_eq(depfile_parse(text, strlen(text), collect, &seen), 0);
    return seen;
}

Test(depfile, lists_every_prerequisite_in_order)
{
    struct seen seen = parse("deps: app.c /usr/include/stdio.h inc/app.h\n");
    cr_assert_eq(seen.count, 3);
    cr_assert_str_eq(seen.paths[0], "app.c");
    cr_assert_str_eq(seen.paths[1], "/usr/include/stdio.h");
    cr_assert_str_eq(seen.paths[2], "inc/app.h");
}

Test(depfile, follows_continued_lines)
{
    struct seen seen = parse("deps: app.c \\\n /usr/include/stdio.h \\\n inc/app.h\n");
    cr_assert_eq(seen.count, 3);
    cr_assert_str_eq(seen.paths[2], "inc/app.h");
}

Test(depfile, unquotes_spaces_hashes_and_dollars)
{
    struct seen seen = parse("deps: my\\ app.c in\\#c/a$$b.h\n");
    cr_assert_eq(seen.count, 2);
    cr_assert_str_eq(seen.paths[0], "my app.c");
    cr_assert_str_eq(seen.paths[1], "in#c/a$b.h");
}

Test(depfile, keeps_backslashes_that_quote_nothing)
{
    struct seen seen = parse("deps: dir\\\\\\ x.h a\\b.h\n");
    cr_assert_eq(seen.count, 2);
    cr_assert_str_eq(seen.paths[0], "dir\\ x.h");
    cr_assert_str_eq(seen.paths[1], "a\\b.h");
}

Test(depfile, refuses_a_rule_for_another_target)
{
    struct seen seen = {0};
    static const char text[] = "app.o: app.c\n";
    cr_assert_eq(depfile_parse(text, strlen(text), collect, &seen), -1);
    cr_assert_eq(errno, EINVAL);
    cr_assert_eq(seen.count, 0);
}

Test(depfile, refuses_an_empty_file)
{
    struct seen seen = {0};
    cr_assert_eq(depfile_parse("", 0, collect, &seen), -1);
    cr_assert_eq(errno, EINVAL);
}

static int stop_at_second(const char *path, void *context)
{
    int *calls = context;
    (void)path;
    return ++*calls == 2 ? -1 : 0;
}

Test(depfile, stops_when_the_callback_fails)
{
    int calls = 0;
    static const char text[] = "deps: a b c\n";
    cr_assert_eq(depfile_parse(text, strlen(text), stop_at_second, &calls), -1);
    cr_assert_eq(calls, 2);
}
