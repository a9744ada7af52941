#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <stdio.h>
#include <string.h>

#include <kiln/abi.h>

#include "cmd/options.h"

#define ARGC(argv) ((int)(sizeof(argv) / sizeof(argv)[0]))

static char error[OPTIONS_ERROR_SIZE];

static struct build_args parsed(int argc, char **argv)
{
    struct build_args args;
    int result = options_parse_build(argc, argv, &args, error, sizeof error);
    cr_assert_eq(result, 0, "refused: %s", error);
    return args;
}

static void assert_refused(int argc, char **argv, const char *why)
{
    struct build_args args;
    cr_assert_eq(options_parse_build(argc, argv, &args, error, sizeof error), -1);
    cr_assert_str_eq(error, why);
}

Test(build_options, sources_are_kept_in_order)
{
    char *argv[] = {"build", "a.c", "b.c"};
    struct build_args args = parsed(ARGC(argv), argv);
    cr_assert_eq(args.compile.source_count, 2);
    cr_assert_str_eq(args.compile.sources[0], "a.c");
    cr_assert_str_eq(args.compile.sources[1], "b.c");
    options_free_build(&args);
}

Test(build_options, defaults_leave_output_unset_and_memory_default)
{
    char *argv[] = {"build", "a.c"};
    struct build_args args = parsed(ARGC(argv), argv);
    cr_assert_null(args.output);
    cr_assert_eq(args.default_mem, KILN_MEM_DEFAULT);
    cr_assert_eq(args.compile.cflag_count, 0);
    cr_assert_eq(args.compile.lib_count, 0);
    cr_assert_not(args.compile.verbose);
    cr_assert_not(args.help);
    options_free_build(&args);
}

Test(build_options, output_may_follow_the_sources)
{
    char *argv[] = {"build", "a.c", "-o", "app.kiln"};
    struct build_args args = parsed(ARGC(argv), argv);
    cr_assert_str_eq(args.output, "app.kiln");
    cr_assert_eq(args.compile.source_count, 1);
    options_free_build(&args);
}

Test(build_options, output_may_be_attached)
{
    char *argv[] = {"build", "-oapp.kiln", "a.c"};
    struct build_args args = parsed(ARGC(argv), argv);
    cr_assert_str_eq(args.output, "app.kiln");
    options_free_build(&args);
}

Test(build_options, include_and_define_keep_their_order)
{
    char *argv[] = {"build", "-I", "inc", "-DX=1", "a.c", "-Iother", "-D", "Y"};
    struct build_args args = parsed(ARGC(argv), argv);
    const char *expected[] = {"-I", "inc", "-D", "X=1", "-I", "other", "-D", "Y"};
    cr_assert_eq(args.compile.cflag_count, 8);
    for (size_t i = 0; i < 8; i++)
        cr_assert_str_eq(args.compile.cflags[i], expected[i]);
    options_free_build(&args);
}

Test(build_options, optimization_level_attached_or_separate)
{
    char *argv[] = {"build", "-O3", "-O", "s", "a.c"};
    struct build_args args = parsed(ARGC(argv), argv);
    cr_assert_eq(args.compile.cflag_count, 2);
    cr_assert_str_eq(args.compile.cflags[0], "-O3");
    cr_assert_str_eq(args.compile.cflags[1], "-Os");
    options_free_build(&args);
}

Test(build_options, unknown_optimization_level_is_refused)
{
    char *argv[] = {"build", "-Ofast", "a.c"};
    assert_refused(ARGC(argv), argv,
                   "-O: \"fast\" is not an optimization level (0, 1, 2, 3, s, g)");
}

Test(build_options, libraries_attached_or_separate)
{
    char *argv[] = {"build", "a.c", "-lm", "-l", "crypt"};
    struct build_args args = parsed(ARGC(argv), argv);
    cr_assert_eq(args.compile.lib_count, 2);
    cr_assert_str_eq(args.compile.libs[0], "m");
    cr_assert_str_eq(args.compile.libs[1], "crypt");
    options_free_build(&args);
}

Test(build_options, verbose_flag)
{
    char *argv[] = {"build", "-v", "a.c"};
    struct build_args args = parsed(ARGC(argv), argv);
    cr_assert(args.compile.verbose);
    options_free_build(&args);
}

Test(build_options, mem_separate_or_with_equals)
{
    char *argv[] = {"build", "--mem", "64M", "a.c"};
    struct build_args args = parsed(ARGC(argv), argv);
    cr_assert_eq(args.default_mem, 64ull << 20);
    options_free_build(&args);
    char *argv2[] = {"build", "--mem=1G", "a.c"};
    args = parsed(ARGC(argv2), argv2);
    cr_assert_eq(args.default_mem, 1ull << 30);
    options_free_build(&args);
}

Test(build_options, bad_mem_says_why)
{
    char *argv[] = {"build", "--mem", "12Q", "a.c"};
    assert_refused(ARGC(argv), argv, "--mem: \"12Q\" is not a size (e.g. 64M, 1G)");
}

Test(build_options, missing_value_is_refused)
{
    char *argv[] = {"build", "a.c", "-o"};
    assert_refused(ARGC(argv), argv, "-o needs an image file name");
}

Test(build_options, missing_mem_value_is_refused)
{
    char *argv[] = {"build", "a.c", "--mem"};
    assert_refused(ARGC(argv), argv, "--mem needs a size (e.g. 64M, 1G)");
}

Test(build_options, empty_define_is_refused)
{
    char *argv[] = {"build", "a.c", "-D", "=1"};
    assert_refused(ARGC(argv), argv, "-D: \"=1\" is not NAME or NAME=VALUE");
}

Test(build_options, unknown_option_points_to_help)
{
    char *argv[] = {"build", "--frobnicate", "a.c"};
    assert_refused(ARGC(argv), argv, "unknown option \"--frobnicate\" (see kiln build --help)");
}

Test(build_options, run_options_are_unknown_to_build)
{
    char *argv[] = {"build", "--timeout", "1", "a.c"};
    assert_refused(ARGC(argv), argv, "unknown option \"--timeout\" (see kiln build --help)");
}

Test(build_options, no_sources_is_refused)
{
    char *argv[] = {"build", "-O2"};
    assert_refused(ARGC(argv), argv, "no .c files given (see kiln build --help)");
}

Test(build_options, double_dash_ends_options)
{
    char *argv[] = {"build", "--", "-odd.c"};
    struct build_args args = parsed(ARGC(argv), argv);
    cr_assert_eq(args.compile.source_count, 1);
    cr_assert_str_eq(args.compile.sources[0], "-odd.c");
    cr_assert_null(args.output);
    options_free_build(&args);
}

Test(build_options, help_wins_over_the_rest)
{
    char *argv[] = {"build", "--help", "--frobnicate"};
    struct build_args args = parsed(ARGC(argv), argv);
    cr_assert(args.help);
    options_free_build(&args);
}

Test(build_options, short_help)
{
    char *argv[] = {"build", "-h"};
    struct build_args args = parsed(ARGC(argv), argv);
    cr_assert(args.help);
    options_free_build(&args);
}

Test(build_options, options_and_sources_may_alternate)
{
    char *argv[] = {"build", "-O2", "a.c", "--mem=64M", "b.c", "-lm"};
    struct build_args args = parsed(ARGC(argv), argv);
    cr_assert_eq(args.compile.source_count, 2);
    cr_assert_str_eq(args.compile.sources[1], "b.c");
    cr_assert_eq(args.default_mem, 64ull << 20);
    cr_assert_str_eq(args.compile.libs[0], "m");
    options_free_build(&args);
}

Test(build_options, argv_keeps_its_order)
{
    char *argv[] = {"build", "a.c", "-o", "x.kiln", "b.c", "--", "-c.c"};
    char *before[ARGC(argv)];
    memcpy(before, argv, sizeof argv);
    struct build_args args = parsed(ARGC(argv), argv);
    cr_assert_arr_eq(argv, before, sizeof argv);
    cr_assert_eq(args.compile.source_count, 3);
    cr_assert_str_eq(args.compile.sources[2], "-c.c");
    options_free_build(&args);
}

Test(build_options, letters_run_together_are_refused)
{
    char *argv[] = {"build", "-vO2", "a.c"};
    assert_refused(ARGC(argv), argv, "unknown option \"-vO2\" (see kiln build --help)");
}

Test(build_options, abbreviations_are_refused)
{
    char *argv[] = {"build", "--me", "64M", "a.c"};
    assert_refused(ARGC(argv), argv, "unknown option \"--me\" (see kiln build --help)");
}

Test(build_options, a_flag_takes_no_value)
{
    char *argv[] = {"build", "--help=1", "a.c"};
    assert_refused(ARGC(argv), argv, "unknown option \"--help=1\" (see kiln build --help)");
}

Test(build_options, each_parse_starts_afresh)
{
    char *bad[] = {"build", "-vO3", "a.c"};
    assert_refused(ARGC(bad), bad, "unknown option \"-vO3\" (see kiln build --help)");
    char *argv[] = {"build", "-O1", "a.c"};
    struct build_args args = parsed(ARGC(argv), argv);
    cr_assert_eq(args.compile.cflag_count, 1);
    cr_assert_str_eq(args.compile.cflags[0], "-O1");
    cr_assert_not(args.compile.verbose);
    options_free_build(&args);
}

Test(build_options, missing_include_dir_is_refused)
{
    char *argv[] = {"build", "a.c", "-I"};
    assert_refused(ARGC(argv), argv, "-I needs a directory");
}

Test(build_options, refusals_print_nothing, .init = cr_redirect_stderr)
{
    char *unknown[] = {"build", "-x", "a.c"};
    assert_refused(ARGC(unknown), unknown, "unknown option \"-x\" (see kiln build --help)");
    char *missing[] = {"build", "a.c", "-D"};
    assert_refused(ARGC(missing), missing, "-D needs a macro (NAME or NAME=VALUE)");
    fflush(stderr);
    cr_assert_stderr_eq_str("");
}

Test(build_options, files_go_under_root_unless_told)
{
    char *argv[] = {"build", "--files", "data.tar.gz", "--files", "site:/srv/www", "a.c"};
    struct build_args args = parsed(ARGC(argv), argv);
    cr_assert_eq(args.compile.files_count, 2);
    cr_assert_str_eq(args.compile.files[0].path, "data.tar.gz");
    cr_assert_str_eq(args.compile.files[0].guest_dir, "/");
    cr_assert_str_eq(args.compile.files[1].path, "site");
    cr_assert_str_eq(args.compile.files[1].guest_dir, "/srv/www");
    options_free_build(&args);
}

Test(build_options, files_split_at_the_last_colon)
{
    char *argv[] = {"build", "--files=a:b.tar:/", "a.c"};
    struct build_args args = parsed(ARGC(argv), argv);
    cr_assert_str_eq(args.compile.files[0].path, "a:b.tar");
    cr_assert_str_eq(args.compile.files[0].guest_dir, "/");
    options_free_build(&args);
}

Test(build_options, files_with_a_relative_guest_folder_are_refused)
{
    char *argv[] = {"build", "--files", "data:srv", "a.c"};
    assert_refused(ARGC(argv), argv,
                   "--files: \"data:srv\": GUEST_DIR must be absolute (PATH:/folder)");
}

Test(build_options, files_without_a_path_are_refused)
{
    char *argv[] = {"build", "--files", ":/srv", "a.c"};
    assert_refused(ARGC(argv), argv, "--files: \":/srv\" names no folder or archive");
}

static void assert_strings(const char **got, size_t count, const char *const *expected,
                           size_t expected_count)
{
    cr_assert_eq(count, expected_count);
    for (size_t i = 0; i < count; i++)
        cr_assert_str_eq(got[i], expected[i], "at %zu", i);
}

Test(build_options, compiler_flags_join_the_cflags_in_order)
{
    char *argv[] = {"build",
                    "-std=c99",
                    "-DX",
                    "-fwrapv",
                    "a.c",
                    "-Wall",
                    "-Werror",
                    "-w",
                    "-g3",
                    "-O0",
                    "-UX",
                    "-U",
                    "Y",
                    "-include",
                    "hdr.h",
                    "-isystem",
                    "sys",
                    "-isystemother",
                    "-march=x86-64-v2",
                    "-fno-builtin"};
    struct build_args args = parsed(ARGC(argv), argv);
    const char *expected[] = {"-std=c99",    "-D",  "X",        "-fwrapv",  "-Wall",
                              "-Werror",     "-w",  "-g3",      "-O0",      "-U",
                              "X",           "-U",  "Y",        "-include", "hdr.h",
                              "-isystem",    "sys", "-isystem", "other",    "-march=x86-64-v2",
                              "-fno-builtin"};
    assert_strings(args.compile.cflags, args.compile.cflag_count, expected,
                   sizeof expected / sizeof expected[0]);
    cr_assert_eq(args.compile.ldflag_count, 0);
    cr_assert_eq(args.compile.source_count, 1);
    options_free_build(&args);
}

Test(build_options, link_flags_join_the_ldflags_in_order)
{
    char *argv[] = {
        "build", "-L", "lib", "a.c", "-Wl,--gc-sections", "-Lother", "-Wl,-z,noexecstack", "-lfoo"};
    struct build_args args = parsed(ARGC(argv), argv);
    const char *expected[] = {"-L", "lib",   "-Wl,--gc-sections",
                              "-L", "other", "-Wl,-z,noexecstack"};
    assert_strings(args.compile.ldflags, args.compile.ldflag_count, expected,
                   sizeof expected / sizeof expected[0]);
    cr_assert_eq(args.compile.cflag_count, 0);
    cr_assert_str_eq(args.compile.libs[0], "foo");
    options_free_build(&args);
}

Test(build_options, pthread_goes_to_the_compile_and_the_link)
{
    char *argv[] = {"build", "-pthread", "a.c"};
    struct build_args args = parsed(ARGC(argv), argv);
    cr_assert_eq(args.compile.cflag_count, 1);
    cr_assert_str_eq(args.compile.cflags[0], "-pthread");
    cr_assert_eq(args.compile.ldflag_count, 1);
    cr_assert_str_eq(args.compile.ldflags[0], "-pthread");
    options_free_build(&args);
}

Test(build_options, kiln_options_still_read_between_compiler_flags)
{
    char *argv[] = {"build", "-g", "-o", "app.kiln", "-fwrapv", "--mem", "64M", "-v", "a.c"};
    struct build_args args = parsed(ARGC(argv), argv);
    cr_assert_str_eq(args.output, "app.kiln");
    cr_assert_eq(args.default_mem, 64ull << 20);
    cr_assert(args.compile.verbose);
    cr_assert_eq(args.compile.cflag_count, 2);
    options_free_build(&args);
}

Test(build_options, a_compiler_flag_first_leaves_the_next_parse_clean)
{
    char *bad[] = {"build", "-vO2", "a.c"};
    assert_refused(ARGC(bad), bad, "unknown option \"-vO2\" (see kiln build --help)");
    char *argv[] = {"build", "-g", "-O1", "a.c"};
    struct build_args args = parsed(ARGC(argv), argv);
    cr_assert_eq(args.compile.cflag_count, 2);
    cr_assert_str_eq(args.compile.cflags[1], "-O1");
    options_free_build(&args);
}

Test(build_options, compiler_flags_after_double_dash_are_sources)
{
    char *argv[] = {"build", "-g", "--", "-fwrapv.c"};
    struct build_args args = parsed(ARGC(argv), argv);
    cr_assert_eq(args.compile.cflag_count, 1);
    cr_assert_eq(args.compile.source_count, 1);
    cr_assert_str_eq(args.compile.sources[0], "-fwrapv.c");
    options_free_build(&args);
}

Test(build_options, a_valued_flag_without_its_value_is_refused)
{
    char *include[] = {"build", "a.c", "-include"};
    assert_refused(ARGC(include), include, "-include needs a file");
    char *library_dir[] = {"build", "a.c", "-L"};
    assert_refused(ARGC(library_dir), library_dir, "-L needs a directory");
    char *undefine[] = {"build", "a.c", "-U", ""};
    assert_refused(ARGC(undefine), undefine, "-U needs a macro name");
}

#define NOT_PIE                                                                                    \
    "an image is static and not position-independent (runtime/kiln.ld links it at 1 MiB)"
#define NOT_64 "an image is x86-64: musl and kiln's runtime are 64-bit"

static void assert_flag_refused(const char *flag, const char *why)
{
    char expected[OPTIONS_ERROR_SIZE];
    char *argv[] = {"build", (char *)flag, "a.c"};
    snprintf(expected, sizeof expected, "%s: %s", flag, why);
    assert_refused(ARGC(argv), argv, expected);
}

Test(build_options, flags_no_image_can_honour_are_refused_by_name)
{
    assert_flag_refused("-shared", "an image is one static executable, with no dynamic loader");
    assert_flag_refused("-fPIC", NOT_PIE);
    assert_flag_refused("-fpic", NOT_PIE);
    assert_flag_refused("-fPIE", NOT_PIE);
    assert_flag_refused("-fpie", NOT_PIE);
    assert_flag_refused("-pie", NOT_PIE);
    assert_flag_refused("-static-pie", NOT_PIE);
    assert_flag_refused("-m32", NOT_64);
    assert_flag_refused("-mx32", NOT_64);
}

Test(build_options, linker_options_that_undo_the_image_are_refused_by_name)
{
    assert_flag_refused("-Wl,-shared", "an image is one static executable, with no dynamic loader");
    assert_flag_refused("-Wl,-pie", NOT_PIE);
    assert_flag_refused("-Wl,--dynamic-linker=/lib/ld-musl-x86_64.so.1",
                        "an image is one static executable, with no dynamic loader");
    assert_flag_refused("-Wl,-Ttext=0x400000", "runtime/kiln.ld lays out the image");
    assert_flag_refused("-Wl,--gc-sections,-T,app.ld", "runtime/kiln.ld lays out the image");
    assert_flag_refused("-Wl,-e,main", "the runtime's _start is the image's entry");
    assert_flag_refused("-Wl,-s",
                        "kiln finds the program's system calls through the image's symbol table");
}

Test(build_options, empty_linker_options_are_refused)
{
    char *argv[] = {"build", "-Wl,", "a.c"};
    assert_refused(ARGC(argv), argv, "-Wl, needs linker options (-Wl,--gc-sections)");
}

Test(build_options, other_dash_s_flags_stay_unknown)
{
    char *argv[] = {"build", "-static", "a.c"};
    assert_refused(ARGC(argv), argv, "unknown option \"-static\" (see kiln build --help)");
}
