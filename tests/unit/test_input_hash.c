#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include "builder/input_hash.h"
#include "scratch_dir.h"

static char dir[sizeof SCRATCH_TEMPLATE];
static char runtime[PATH_MAX], source[PATH_MAX];
static const char *sources[1];
static struct build_options options;
static struct files_blob files;
static struct compiler_identity compiler = {"/usr/bin/musl-gcc", "gcc 12.2.0"};

static void put_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "%s", path);
    fputs(text, f);
    fclose(f);
}

/* dir/rt holds a runtime, dir/a/app.c a source. */
static void set_up(void)
{
    char path[PATH_MAX];
    scratch_dir_make(dir);
    scratch_path(runtime, sizeof runtime, dir, "rt");
    mkdir(runtime, 0700);
    scratch_path(path, sizeof path, runtime, "libkiln.a");
    put_file(path, "!<arch>\n");
    scratch_path(path, sizeof path, runtime, "ready.o");
    put_file(path, "\177ELF");
    scratch_path(path, sizeof path, runtime, "kiln.ld");
    put_file(path, "SECTIONS {}\n");
    scratch_path(path, sizeof path, dir, "a");
    mkdir(path, 0700);
    scratch_path(source, sizeof source, path, "app.c");
    put_file(source, "int main(void) { return 0; }\n");
    sources[0] = source;
    files = (struct files_blob){0};
    options = (struct build_options){
        .sources = sources, .source_count = 1, .default_mem = 128ull << 20, .runtime_dir = runtime};
}

static void tear_down(void)
{
    scratch_dir_remove(dir);
}

/* The sources key with cwd at the source's folder. */
static struct content_hash key(void)
{
    char cwd[PATH_MAX];
    struct input_hash inputs;
    snprintf(cwd, sizeof cwd, "%s", options.sources[0]);
    *strrchr(cwd, '/') = '\0';
    cr_assert_eq(input_hash_start(&inputs, &options, &compiler, &files, cwd), 0);
    return inputs.sources_key;
}

static void expect_key_changes(void (*change)(void))
{
    struct content_hash before = key();
    change();
    struct content_hash after = key();
    cr_assert_not(content_hash_equal(&before, &after));
}

TestSuite(input_hash, .init = set_up, .fini = tear_down);

Test(input_hash, is_the_same_for_the_same_inputs)
{
    struct content_hash first = key(), second = key();
    cr_assert(content_hash_equal(&first, &second));
}

static void edit_source(void)
{
    put_file(source, "int main(void) { return 1; }\n");
}

Test(input_hash, changes_with_a_source_byte)
{
    expect_key_changes(edit_source);
}

static void add_flag(void)
{
    static const char *cflags[] = {"-DX=1"};
    options.cflags = cflags;
    options.cflag_count = 1;
}

Test(input_hash, changes_with_a_flag)
{
    expect_key_changes(add_flag);
}

static void add_link_flag(void)
{
    static const char *ldflags[] = {"-Wl,--gc-sections"};
    options.ldflags = ldflags;
    options.ldflag_count = 1;
}

Test(input_hash, changes_with_a_link_flag)
{
    expect_key_changes(add_link_flag);
}

static void change_a_flag(void)
{
    static const char *cflags[] = {"-fwrapv"};
    options.cflags = cflags;
}

Test(input_hash, changes_when_one_flag_changes)
{
    static const char *cflags[] = {"-fno-wrapv"};
    options.cflags = cflags;
    options.cflag_count = 1;
    expect_key_changes(change_a_flag);
}

/* dir/a/lib/libfoo.a, linked with -L lib -l foo from dir/a. */
static char library[PATH_MAX];

static void link_foo(void)
{
    static const char *ldflags[] = {"-L", NULL};
    static const char *libs[] = {"foo"};
    char folder[PATH_MAX];
    scratch_path(folder, sizeof folder, dir, "a/lib");
    mkdir(folder, 0700);
    scratch_path(library, sizeof library, folder, "libfoo.a");
    put_file(library, "!<arch>\nold member\n");
    ldflags[1] = "lib";
    options.ldflags = ldflags;
    options.ldflag_count = 2;
    options.libs = libs;
    options.lib_count = 1;
}

static void rebuild_foo(void)
{
    put_file(library, "!<arch>\nnew member\n");
}

Test(input_hash, changes_with_the_bytes_of_an_archive_from_a_link_folder)
{
    char cwd[PATH_MAX];
    link_foo();
    /* The -L folder is relative: as ld does, look it up from the build's folder. */
    scratch_path(cwd, sizeof cwd, dir, "a");
    cr_assert_eq(chdir(cwd), 0);
    expect_key_changes(rebuild_foo);
}

static void add_library(void)
{
    static const char *libs[] = {"m"};
    options.libs = libs;
    options.lib_count = 1;
}

Test(input_hash, changes_with_a_library)
{
    expect_key_changes(add_library);
}

static void change_memory(void)
{
    options.default_mem = 64ull << 20;
}

Test(input_hash, changes_with_the_default_memory)
{
    expect_key_changes(change_memory);
}

static void rebuild_runtime(void)
{
    char path[PATH_MAX];
    scratch_path(path, sizeof path, runtime, "libkiln.a");
    put_file(path, "!<arch>\nnew member\n");
}

Test(input_hash, changes_with_the_runtime_bytes)
{
    expect_key_changes(rebuild_runtime);
}

static uint8_t embedded[] = "one embedded byte then another";

static void embed_files(void)
{
    files = (struct files_blob){embedded, sizeof embedded};
}

static void change_an_embedded_byte(void)
{
    embedded[0] ^= 1;
}

Test(input_hash, changes_with_embedded_files)
{
    files = (struct files_blob){0};
    expect_key_changes(embed_files);
}

Test(input_hash, changes_with_an_embedded_byte)
{
    embed_files();
    expect_key_changes(change_an_embedded_byte);
}

static void upgrade_compiler(void)
{
    snprintf(compiler.version, sizeof compiler.version, "gcc 13.1.0");
}

Test(input_hash, changes_with_the_compiler_version)
{
    expect_key_changes(upgrade_compiler);
}

static void set_cpath(void)
{
    setenv("CPATH", "/opt/include", 1);
}

Test(input_hash, changes_with_the_include_path_gcc_reads_from_the_environment)
{
    unsetenv("CPATH");
    expect_key_changes(set_cpath);
}

Test(input_hash, is_the_same_for_the_same_sources_in_another_folder)
{
    char other[PATH_MAX], other_source[PATH_MAX];
    struct content_hash here = key();
    scratch_path(other, sizeof other, dir, "b");
    mkdir(other, 0700);
    scratch_path(other_source, sizeof other_source, other, "app.c");
    put_file(other_source, "int main(void) { return 0; }\n");
    sources[0] = other_source;
    struct content_hash there = key();
    cr_assert(content_hash_equal(&here, &there));
}

static struct content_hash key_with_include(const char *folder)
{
    const char *cflags[] = {"-I", folder};
    options.cflags = cflags;
    options.cflag_count = 2;
    struct content_hash result = key();
    options.cflag_count = 0;
    return result;
}

Test(input_hash, counts_an_include_folder_under_the_folder_as_the_image_names_it)
{
    char here[PATH_MAX], there[PATH_MAX], other_source[PATH_MAX];
    snprintf(here, sizeof here, "%s/a/inc", dir);
    struct content_hash absolute = key_with_include(here);
    struct content_hash relative = key_with_include("./inc");
    cr_assert(content_hash_equal(&absolute, &relative));
    /* The same absolute folder seen from another folder is another build. */
    scratch_path(there, sizeof there, dir, "b");
    mkdir(there, 0700);
    scratch_path(other_source, sizeof other_source, there, "app.c");
    put_file(other_source, "int main(void) { return 0; }\n");
    sources[0] = other_source;
    struct content_hash elsewhere = key_with_include(here);
    cr_assert_not(content_hash_equal(&absolute, &elsewhere));
}

Test(input_hash, adds_each_header_path_and_bytes)
{
    char cwd[PATH_MAX];
    struct input_hash inputs;
    snprintf(cwd, sizeof cwd, "%s/a", dir);
    cr_assert_eq(input_hash_start(&inputs, &options, &compiler, &files, cwd), 0);
    struct input_file headers[] = {{"./app.h", content_hash_of("a", 1)}};
    struct content_hash none = input_hash_finish(&inputs, headers, 0);
    struct content_hash one = input_hash_finish(&inputs, headers, 1);
    headers[0].hash = content_hash_of("b", 1);
    struct content_hash edited = input_hash_finish(&inputs, headers, 1);
    headers[0].path = "./other.h";
    struct content_hash renamed = input_hash_finish(&inputs, headers, 1);
    cr_assert_not(content_hash_equal(&none, &one));
    cr_assert_not(content_hash_equal(&one, &edited));
    cr_assert_not(content_hash_equal(&edited, &renamed));
    cr_assert_not(content_hash_equal(&none, &inputs.sources_key));
}

Test(input_hash, reports_an_unreadable_source, .init = cr_redirect_stderr)
{
    char cwd[PATH_MAX];
    struct input_hash inputs;
    set_up();
    snprintf(cwd, sizeof cwd, "%s/a", dir);
    sources[0] = "/nonexistent/app.c";
    cr_assert_eq(input_hash_start(&inputs, &options, &compiler, &files, cwd), -1);
    fflush(stderr);
    cr_assert_stderr_eq_str("kiln: /nonexistent/app.c: cannot read: No such file or directory\n");
    tear_down();
}

Test(input_hash_image_path, names_files_under_the_folder_as_the_image_does)
{
    char out[PATH_MAX];
    cr_assert_eq(input_hash_image_path("/home/me/app/inc/x.h", "/home/me/app", out, sizeof out), 0);
    cr_assert_str_eq(out, "./inc/x.h");
}

Test(input_hash_image_path, leaves_other_paths_as_they_are)
{
    char out[PATH_MAX];
    cr_assert_eq(input_hash_image_path("/home/me/apple/x.h", "/home/me/app", out, sizeof out), 0);
    cr_assert_str_eq(out, "/home/me/apple/x.h");
    cr_assert_eq(input_hash_image_path("inc/x.h", "/home/me/app", out, sizeof out), 0);
    cr_assert_str_eq(out, "inc/x.h");
}
