#include <criterion/criterion.h>
#include <string.h>

#include "cmd/cc_args.h"

#define ARGC(argv) ((int)(sizeof(argv) / sizeof(argv)[0]))

static struct cc_args args;

static void parse(int argc, char **argv)
{
    cr_assert_eq(cc_args_parse(argc, argv, &args), 0);
}

static void teardown(void)
{
    cc_args_free(&args);
}

static void expect_link_args(const char *const *expected, size_t count)
{
    cr_assert_eq(args.link_arg_count, count);
    for (size_t i = 0; i < count; i++)
        cr_assert_str_eq(args.link_args[i], expected[i], "argument %zu", i);
}

TestSuite(cc_args, .fini = teardown);

Test(cc_args, objects_and_libraries_link_in_their_order_without_the_output)
{
    char *argv[] = {"-o", "calc", "main.o", "-L.", "-lops", "libz.a", "-Wl,--gc-sections"};
    const char *expected[] = {"main.o", "-L.", "-lops", "libz.a", "-Wl,--gc-sections"};
    parse(ARGC(argv), argv);
    cr_assert_eq(args.mode, CC_LINK);
    cr_assert_str_eq(args.output, "calc");
    expect_link_args(expected, sizeof expected / sizeof expected[0]);
}

Test(cc_args, a_link_without_o_writes_a_out)
{
    char *argv[] = {"main.c"};
    parse(ARGC(argv), argv);
    cr_assert_eq(args.mode, CC_LINK);
    cr_assert_str_eq(args.output, "a.out");
}

Test(cc_args, a_joined_o_names_the_output)
{
    char *argv[] = {"main.o", "-ocalc"};
    parse(ARGC(argv), argv);
    cr_assert_str_eq(args.output, "calc");
    cr_assert_eq(args.link_arg_count, 1);
}

Test(cc_args, c_s_e_m_and_mm_do_not_link)
{
    const char *flags[] = {"-c", "-S", "-E", "-M", "-MM", "-r", "-fsyntax-only"};
    for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++) {
        char *argv[] = {"main.c", (char *)flags[i], "-o", "out"};
        parse(ARGC(argv), argv);
        cr_assert_eq(args.mode, CC_PASS_THROUGH, "%s", flags[i]);
        cc_args_free(&args);
    }
}

Test(cc_args, dependency_flags_with_c_do_not_link)
{
    char *argv[] = {"-MD", "-MT", "main.o", "-MF", "main.d", "-MP", "-c", "main.c"};
    parse(ARGC(argv), argv);
    cr_assert_eq(args.mode, CC_PASS_THROUGH);
}

Test(cc_args, no_inputs_do_not_link)
{
    char *argv[] = {"--version"};
    parse(ARGC(argv), argv);
    cr_assert_eq(args.mode, CC_PASS_THROUGH);
}

Test(cc_args, an_option_value_is_not_an_input)
{
    char *argv[] = {"-I", "include", "-MF", "deps.d", "-include", "config.h", "-o", "out"};
    parse(ARGC(argv), argv);
    cr_assert_eq(args.mode, CC_PASS_THROUGH);
}

Test(cc_args, a_separate_l_is_an_input)
{
    char *argv[] = {"-l", "m"};
    parse(ARGC(argv), argv);
    cr_assert_eq(args.mode, CC_LINK);
}

Test(cc_args, shared_is_refused_when_linking)
{
    char *argv[] = {"-shared", "x.c"};
    parse(ARGC(argv), argv);
    cr_assert_str_eq(args.refused, "-shared");
    cr_assert_not_null(args.refused_why);
}

Test(cc_args, position_independent_code_is_refused_when_linking)
{
    char *argv[] = {"x.o", "-fPIC", "-pie"};
    parse(ARGC(argv), argv);
    cr_assert_str_eq(args.refused, "-fPIC");
}

Test(cc_args, strip_is_refused_when_linking)
{
    char *argv[] = {"x.o", "-s"};
    parse(ARGC(argv), argv);
    cr_assert_str_eq(args.refused, "-s");
}

Test(cc_args, fpic_compiles)
{
    char *argv[] = {"-fPIC", "-c", "x.c"};
    parse(ARGC(argv), argv);
    cr_assert_eq(args.mode, CC_PASS_THROUGH);
    cr_assert_null(args.refused);
}
