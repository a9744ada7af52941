#include <criterion/criterion.h>
#include <string.h>

#include "cmd/options.h"
#include "cmd/volume_options.h"

#define ARGC(argv) ((int)(sizeof(argv) / sizeof(argv)[0]))

static char error[OPTIONS_ERROR_SIZE];

static struct test_args parsed(int argc, char **argv)
{
    struct test_args args;
    int result = options_parse_test(argc, argv, &args, error, sizeof error);
    cr_assert_eq(result, 0, "refused: %s", error);
    return args;
}

static void assert_refused(int argc, char **argv, const char *why)
{
    struct test_args args;
    cr_assert_eq(options_parse_test(argc, argv, &args, error, sizeof error), -1);
    cr_assert_str_eq(error, why);
}

Test(test_options, tests_of_every_kind_are_kept_in_order)
{
    char *argv[] = {"test", "a.c", "b.kiln", "/bin/busybox"};
    struct test_args args = parsed(ARGC(argv), argv);
    cr_assert_eq(args.test_count, 3);
    cr_assert_str_eq(args.tests[0], "a.c");
    cr_assert_str_eq(args.tests[1], "b.kiln");
    cr_assert_str_eq(args.tests[2], "/bin/busybox");
    options_free_test(&args);
}

Test(test_options, defaults_are_one_run_every_slice_sixty_seconds_and_a_job_per_cpu)
{
    char *argv[] = {"test", "a.c"};
    struct test_args args = parsed(ARGC(argv), argv);
    cr_assert_eq(args.repeat, 1);
    cr_assert_eq(args.shard_index, 0);
    cr_assert_eq(args.shard_count, 1);
    cr_assert_eq(args.run.timeout_ms, 60000);
    cr_assert_eq(args.jobs, 0);
    cr_assert(!args.tap && !args.no_cache && !args.list && !args.vm && !args.show_all_output);
    cr_assert_null(args.junit);
    options_free_test(&args);
}

Test(test_options, what_follows_the_double_dash_is_every_test_s_arguments)
{
    char *argv[] = {"test", "a.c", "b.c", "--", "--tap", "x"};
    struct test_args args = parsed(ARGC(argv), argv);
    cr_assert_eq(args.test_count, 2);
    cr_assert(!args.tap);
    cr_assert_eq(args.run.program_arg_count, 2);
    cr_assert_str_eq(args.run.program_args[0], "--tap");
    options_free_test(&args);
}

Test(test_options, runner_options_are_read)
{
    char *argv[] = {"test",          "-j",    "3",       "--repeat",  "4",
                    "--shard",       "2/5",   "--junit", "j.xml",     "--tap",
                    "--no-cache",    "--vm",  "--list",  "--verbose", "-v",
                    "/tmp:/data:ro", "--env", "A=1",     "a.c"};
    struct test_args args = parsed(ARGC(argv), argv);
    cr_assert_eq(args.jobs, 3);
    cr_assert_eq(args.repeat, 4);
    cr_assert_eq(args.shard_index, 1);
    cr_assert_eq(args.shard_count, 5);
    cr_assert_str_eq(args.junit, "j.xml");
    cr_assert(args.tap && args.no_cache && args.vm && args.list && args.show_all_output);
    cr_assert_eq(args.run.volumes->count, 1);
    cr_assert(args.run.volumes->list[0].read_only);
    cr_assert_eq(args.run.env_count, 1);
    options_free_test(&args);
}

Test(test_options, no_tests_is_refused)
{
    char *argv[] = {"test", "-j", "2"};
    assert_refused(ARGC(argv), argv, "no tests given (see kiln test --help)");
}

Test(test_options, a_shard_outside_its_count_is_refused)
{
    char *argv[] = {"test", "--shard", "4/3", "a.c"};
    assert_refused(ARGC(argv), argv, "--shard 4/3: \"4\" is not a whole number from 1 to 3");
}

Test(test_options, a_shard_without_a_slash_is_refused)
{
    char *argv[] = {"test", "--shard", "3", "a.c"};
    assert_refused(ARGC(argv), argv, "--shard: \"3\" is not K/N (e.g. 2/3)");
}

Test(test_options, zero_jobs_is_refused)
{
    char *argv[] = {"test", "-j", "0", "a.c"};
    struct test_args args;
    cr_assert_eq(options_parse_test(ARGC(argv), argv, &args, error, sizeof error), -1);
    cr_assert(strncmp(error, "-j: ", 4) == 0, "%s", error);
}
