/*
 * kiln test: a suite of test programs, each in a pristine VM of its own,
 * side by side, with results cached by content (DESIGN.md, "CI test
 * environments").
 */
#include <limits.h>
#include <stdio.h>
#include <time.h>

#include "commands.h"
#include "common/cache_dir.h"
#include "common/clock.h"
#include "common/report.h"
#include "exit_codes.h"
#include "help.h"
#include "options.h"
#include "suite.h"
#include "suite_junit.h"
#include "suite_report.h"
#include "suite_vm.h"

/* kiln test's exit codes beside EXIT_CANNOT_RUN: CI reads 1 as "a test
 * failed". */
#define EXIT_TESTS_PASSED 0
#define EXIT_TEST_FAILED  1

static int list_tests(const struct test_suite *suite)
{
    for (size_t i = 0; i < suite->count; i++)
        printf("%s\n", suite->cases[i].name);
    return EXIT_TESTS_PASSED;
}

static int run_suite(struct test_suite *suite, const struct test_args *args)
{
    struct suite_report report = {
        .out = stdout, .tap = args->tap, .show_all_output = args->show_all_output};
    time_t started = time(NULL);
    int64_t started_ns = clock_ns(CLOCK_MONOTONIC);
    suite_report_start(&report, suite->count);
    if (suite_run(suite, suite_report_test, &report) < 0)
        return EXIT_CANNOT_RUN;
    suite_report_end(&report);
    uint64_t wall_ns = (uint64_t)(clock_ns(CLOCK_MONOTONIC) - started_ns);
    if (args->junit != NULL && suite_junit_write(args->junit, suite, started, wall_ns) < 0)
        return EXIT_CANNOT_RUN;
    return report.failed > 0 ? EXIT_TEST_FAILED : EXIT_TESTS_PASSED;
}

static int test_from(const struct test_args *args, int argc, char **argv)
{
    if (args->vm)
        return suite_vm_exec(args, argc, argv);
    char cache_dir[PATH_MAX];
    struct test_suite suite;
    if (cache_dir_find(cache_dir, sizeof cache_dir) < 0 || suite_start(&suite, args, cache_dir) < 0)
        return EXIT_CANNOT_RUN;
    int code = args->list ? list_tests(&suite) : run_suite(&suite, args);
    suite_free(&suite);
    return code;
}

int cmd_test(int argc, char **argv)
{
    struct test_args args;
    char error[OPTIONS_ERROR_SIZE];
    if (options_parse_test(argc, argv, &args, error, sizeof error) < 0) {
        report("test: %s", error);
        return EXIT_CANNOT_RUN;
    }
    int code = args.run.help ? help_print("test", stdout) : test_from(&args, argc, argv);
    options_free_test(&args);
    return code;
}
