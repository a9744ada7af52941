#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/stat.h>
#include <time.h>

#include "scratch_dir.h"
#include "serve/functions_dir.h"
#include "serve/route_table.h"

static char prefix[ROUTE_PREFIX_MAX];

Test(functions_dir_file, names_an_image_by_its_file_name)
{
    cr_assert_eq(functions_dir_file("hello.kiln", prefix), FUNCTION_FILE_IMAGE);
    cr_assert_str_eq(prefix, "/hello");
}

Test(functions_dir_file, names_a_c_source_by_its_file_name)
{
    cr_assert_eq(functions_dir_file("hello.c", prefix), FUNCTION_FILE_SOURCE);
    cr_assert_str_eq(prefix, "/hello");
}

Test(functions_dir_file, keeps_dots_dashes_and_underscores_in_a_name)
{
    cr_assert_eq(functions_dir_file("v1.2_a-b.kiln", prefix), FUNCTION_FILE_IMAGE);
    cr_assert_str_eq(prefix, "/v1.2_a-b");
}

Test(functions_dir_file, leaves_hidden_files_alone)
{
    cr_assert_eq(functions_dir_file(".hello.kiln", prefix), FUNCTION_FILE_NONE);
    cr_assert_eq(functions_dir_file(".c", prefix), FUNCTION_FILE_NONE);
}

Test(functions_dir_file, leaves_names_with_other_characters_alone)
{
    cr_assert_eq(functions_dir_file("a b.c", prefix), FUNCTION_FILE_NONE);
    cr_assert_eq(functions_dir_file("caf\xc3\xa9.kiln", prefix), FUNCTION_FILE_NONE);
    cr_assert_eq(functions_dir_file("a~.c", prefix), FUNCTION_FILE_NONE);
}

Test(functions_dir_file, leaves_files_of_other_kinds_alone)
{
    cr_assert_eq(functions_dir_file("README.md", prefix), FUNCTION_FILE_NONE);
    cr_assert_eq(functions_dir_file("hello.kiln~", prefix), FUNCTION_FILE_NONE);
    cr_assert_eq(functions_dir_file("hello.cc", prefix), FUNCTION_FILE_NONE);
    cr_assert_eq(functions_dir_file("kiln", prefix), FUNCTION_FILE_NONE);
}

Test(functions_dir_file, leaves_names_too_long_for_a_route_alone)
{
    char name[ROUTE_PREFIX_MAX + 8];
    memset(name, 'a', ROUTE_PREFIX_MAX - 2);
    strcpy(name + ROUTE_PREFIX_MAX - 2, ".c");
    cr_assert_eq(functions_dir_file(name, prefix), FUNCTION_FILE_SOURCE);
    memset(name, 'a', ROUTE_PREFIX_MAX - 1);
    strcpy(name + ROUTE_PREFIX_MAX - 1, ".c");
    cr_assert_eq(functions_dir_file(name, prefix), FUNCTION_FILE_NONE);
}

/* Stands in for building and snapshotting: notes which files were opened,
 * as "/NAME FILE", and opens none, so that no pool is ever made. */
#define MAX_OPENED 16

struct opened {
    pthread_mutex_t lock;
    pthread_cond_t changed;
    char files[MAX_OPENED][PATH_MAX];
    size_t count;
};

static char dir[sizeof SCRATCH_TEMPLATE];
static struct opened opened = {.lock = PTHREAD_MUTEX_INITIALIZER,
                               .changed = PTHREAD_COND_INITIALIZER};
static struct route_table *table;

static struct pool *open_function(void *context, const char *route, const char *path)
{
    struct opened *o = context;
    pthread_mutex_lock(&o->lock);
    if (o->count < MAX_OPENED)
        snprintf(o->files[o->count++], PATH_MAX, "%s %s", route, strrchr(path, '/') + 1);
    pthread_cond_broadcast(&o->changed);
    pthread_mutex_unlock(&o->lock);
    return NULL;
}

/* Whether count files were opened within a second. */
static bool opened_within_a_second(size_t count)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec++;
    pthread_mutex_lock(&opened.lock);
    int rc = 0;
    while (opened.count < count && rc == 0)
        rc = pthread_cond_timedwait(&opened.changed, &opened.lock, &until);
    bool enough = opened.count >= count;
    pthread_mutex_unlock(&opened.lock);
    return enough;
}

static void write_file(const char *name)
{
    char path[PATH_MAX];
    scratch_path(path, sizeof path, dir, name);
    FILE *file = fopen(path, "w");
    cr_assert_not_null(file, "%s", path);
    fputs("int main(void) { return 0; }\n", file);
    fclose(file);
}

static void remove_file(const char *name)
{
    char path[PATH_MAX];
    scratch_path(path, sizeof path, dir, name);
    cr_assert_eq(unlink(path), 0, "%s", path);
}

static struct functions_dir *start(void)
{
    struct functions_dir_options options = {
        .dir = dir, .table = table, .open_function = open_function, .context = &opened};
    struct functions_dir *functions = functions_dir_start(&options);
    cr_assert_not_null(functions);
    return functions;
}

static void set_up(void)
{
    cr_redirect_stderr();
    scratch_dir_make(dir);
    table = route_table_new();
}

static void tear_down(void)
{
    route_table_free(table);
    scratch_dir_remove(dir);
}

TestSuite(functions_dir, .init = set_up, .fini = tear_down);

Test(functions_dir, opens_every_function_in_the_folder_in_name_order)
{
    write_file("b.c");
    write_file("a.kiln");
    write_file("a b.c");
    write_file(".hidden.kiln");
    write_file("notes.txt");
    char folder[PATH_MAX];
    scratch_path(folder, sizeof folder, dir, "folder.c");
    cr_assert_eq(mkdir(folder, 0755), 0);
    struct functions_dir *functions = start();
    functions_dir_stop(functions);
    cr_assert_eq(opened.count, 2);
    cr_assert_str_eq(opened.files[0], "/a a.kiln");
    cr_assert_str_eq(opened.files[1], "/b b.c");
}

Test(functions_dir, opens_the_image_when_a_source_has_the_same_name)
{
    write_file("hello.c");
    write_file("hello.kiln");
    struct functions_dir *functions = start();
    functions_dir_stop(functions);
    cr_assert_eq(opened.count, 1);
    cr_assert_str_eq(opened.files[0], "/hello hello.kiln");
}

Test(functions_dir, opens_a_function_written_while_watching)
{
    struct functions_dir *functions = start();
    write_file("hello.c");
    cr_assert(opened_within_a_second(1));
    functions_dir_stop(functions);
    cr_assert_str_eq(opened.files[0], "/hello hello.c");
}

Test(functions_dir, opens_a_function_moved_in)
{
    struct functions_dir *functions = start();
    write_file("hello.part");
    char from[PATH_MAX], to[PATH_MAX];
    scratch_path(from, sizeof from, dir, "hello.part");
    scratch_path(to, sizeof to, dir, "hello.kiln");
    cr_assert_eq(rename(from, to), 0);
    cr_assert(opened_within_a_second(1));
    functions_dir_stop(functions);
    cr_assert_str_eq(opened.files[0], "/hello hello.kiln");
}

Test(functions_dir, opens_the_source_again_when_the_image_goes)
{
    write_file("hello.c");
    write_file("hello.kiln");
    struct functions_dir *functions = start();
    remove_file("hello.kiln");
    cr_assert(opened_within_a_second(2));
    functions_dir_stop(functions);
    cr_assert_str_eq(opened.files[1], "/hello hello.c");
}

Test(functions_dir, refuses_a_folder_that_does_not_exist)
{
    char missing[PATH_MAX];
    scratch_path(missing, sizeof missing, dir, "missing");
    struct functions_dir_options options = {
        .dir = missing, .table = table, .open_function = open_function, .context = &opened};
    cr_assert_null(functions_dir_start(&options));
}
