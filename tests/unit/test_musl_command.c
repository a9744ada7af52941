#include <criterion/criterion.h>

#include "builder/musl_command.h"

#define COUNT(array) (sizeof(array) / sizeof(array)[0])

static struct musl_command command;

static void compile(const struct build_options *options, size_t index)
{
    cr_assert_eq(
        musl_command_compile(&command, options, "/home/me/app", index, "/tmp/s/0.o", "/tmp/s/0.d"),
        0);
}

static void link_objects(const struct build_options *options, const char *const *objects)
{
    cr_assert_eq(musl_command_link(&command, options, objects, NULL, "out/app.kiln.tmp-1"), 0);
}

static void teardown(void)
{
    musl_command_free(&command);
}

static size_t index_of(const char *arg)
{
    for (size_t i = 0; i < command.argc; i++)
        if (strcmp(command.argv[i], arg) == 0)
            return i;
    cr_assert_fail("%s is not in the command", arg);
    return 0;
}

static void expect_exactly(const char *const *expected, size_t count)
{
    cr_assert_eq(command.argc, count);
    for (size_t i = 0; i < count; i++)
        cr_assert_str_eq(command.argv[i], expected[i], "argument %zu", i);
    cr_assert_null(command.argv[command.argc]);
}

TestSuite(musl_command, .fini = teardown);

Test(musl_command, a_compile_is_exactly_this)
{
    const char *sources[] = {"app.c"};
    struct build_options options = {.sources = sources, .source_count = 1, .runtime_dir = "rt"};
    const char *expected[] = {"musl-gcc",
                              "-static",
                              "-no-pie",
                              "-fno-omit-frame-pointer",
                              "-ffile-prefix-map=/home/me/app=.",
                              "-O2",
                              "-c",
                              "app.c",
                              "-o",
                              "/tmp/s/0.o",
                              "-MD",
                              "-MF",
                              "/tmp/s/0.d",
                              "-MT",
                              "deps"};
    compile(&options, 0);
    expect_exactly(expected, COUNT(expected));
}

Test(musl_command, a_link_is_exactly_this)
{
    const char *sources[] = {"app.c"};
    const char *objects[] = {"/tmp/s/0.o"};
    struct build_options options = {.sources = sources,
                                    .source_count = 1,
                                    .default_mem = 128ull << 20,
                                    .runtime_dir = "/opt/kiln/runtime"};
    const char *expected[] = {"musl-gcc",
                              "-static",
                              "-no-pie",
                              "/tmp/s/0.o",
                              "-Wl,-T,/opt/kiln/runtime/kiln.ld",
                              "-Wl,-z,max-page-size=4096",
                              "-Wl,--build-id=none",
                              "-Wl,--defsym=kiln_default_mem=134217728",
                              "-Wl,--defsym=kiln_image_flags=0",
                              "/opt/kiln/runtime/ready.o",
                              "-Wl,--whole-archive",
                              "/opt/kiln/runtime/libkiln.a",
                              "-Wl,--no-whole-archive",
                              "-o",
                              "out/app.kiln.tmp-1"};
    link_objects(&options, objects);
    expect_exactly(expected, COUNT(expected));
}

Test(musl_command, each_source_compiles_on_its_own)
{
    const char *sources[] = {"b.c", "a.c"};
    struct build_options options = {.sources = sources, .source_count = 2, .runtime_dir = "rt"};
    compile(&options, 1);
    cr_assert_eq(index_of("a.c"), index_of("-c") + 1);
    for (size_t i = 0; i < command.argc; i++)
        cr_assert_str_neq(command.argv[i], "b.c");
}

Test(musl_command, user_flags_come_after_the_default_optimization)
{
    const char *sources[] = {"app.c"};
    const char *cflags[] = {"-O0", "-I", "inc"};
    struct build_options options = {.sources = sources,
                                    .source_count = 1,
                                    .cflags = cflags,
                                    .cflag_count = 3,
                                    .runtime_dir = "rt"};
    compile(&options, 0);
    size_t user_opt = index_of("-O0");
    cr_assert_gt(user_opt, index_of("-O2"));
    cr_assert_str_eq(command.argv[user_opt + 1], "-I");
    cr_assert_str_eq(command.argv[user_opt + 2], "inc");
    cr_assert_lt(user_opt, index_of("app.c"));
}

Test(musl_command, objects_link_in_the_order_of_their_sources)
{
    const char *sources[] = {"b.c", "a.c", "c.c"};
    const char *objects[] = {"0.o", "1.o", "2.o"};
    struct build_options options = {.sources = sources, .source_count = 3, .runtime_dir = "rt"};
    link_objects(&options, objects);
    cr_assert_eq(index_of("1.o"), index_of("0.o") + 1);
    cr_assert_eq(index_of("2.o"), index_of("1.o") + 1);
}

Test(musl_command, libraries_follow_the_runtime)
{
    const char *sources[] = {"app.c"};
    const char *objects[] = {"0.o"};
    const char *libs[] = {"m", "crypt"};
    struct build_options options = {
        .sources = sources, .source_count = 1, .libs = libs, .lib_count = 2, .runtime_dir = "rt"};
    link_objects(&options, objects);
    cr_assert_gt(index_of("-lm"), index_of("-Wl,--no-whole-archive"));
    cr_assert_eq(index_of("-lcrypt"), index_of("-lm") + 1);
    cr_assert_lt(index_of("-lcrypt"), index_of("-o"));
}

Test(musl_command, default_memory_goes_into_the_note)
{
    const char *sources[] = {"app.c"};
    const char *objects[] = {"0.o"};
    struct build_options options = {
        .sources = sources, .source_count = 1, .default_mem = 1ull << 30, .runtime_dir = "rt"};
    link_objects(&options, objects);
    index_of("-Wl,--defsym=kiln_default_mem=1073741824");
}

Test(musl_command, link_flags_come_before_the_objects_in_order)
{
    const char *sources[] = {"app.c"};
    const char *objects[] = {"0.o"};
    const char *ldflags[] = {"-L", "lib", "-Wl,--gc-sections", "-pthread"};
    const char *libs[] = {"foo"};
    struct build_options options = {.sources = sources,
                                    .source_count = 1,
                                    .ldflags = ldflags,
                                    .ldflag_count = 4,
                                    .libs = libs,
                                    .lib_count = 1,
                                    .runtime_dir = "rt"};
    link_objects(&options, objects);
    size_t first = index_of("-L");
    cr_assert_gt(first, index_of("-no-pie"));
    cr_assert_str_eq(command.argv[first + 1], "lib");
    cr_assert_str_eq(command.argv[first + 2], "-Wl,--gc-sections");
    cr_assert_str_eq(command.argv[first + 3], "-pthread");
    cr_assert_eq(index_of("0.o"), first + 4);
    cr_assert_lt(index_of("0.o"), index_of("-Wl,--build-id=none"));
    cr_assert_lt(first, index_of("-lfoo"));
}

Test(musl_command, link_flags_stay_out_of_the_compile)
{
    const char *sources[] = {"app.c"};
    const char *ldflags[] = {"-Wl,--gc-sections"};
    struct build_options options = {.sources = sources,
                                    .source_count = 1,
                                    .ldflags = ldflags,
                                    .ldflag_count = 1,
                                    .runtime_dir = "rt"};
    compile(&options, 0);
    for (size_t i = 0; i < command.argc; i++)
        cr_assert_str_neq(command.argv[i], "-Wl,--gc-sections");
}
