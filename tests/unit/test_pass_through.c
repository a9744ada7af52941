#include <criterion/criterion.h>

#include "builder/musl_command.h"

static struct musl_command command;

static void teardown(void)
{
    musl_command_free(&command);
}

TestSuite(pass_through, .fini = teardown);

Test(pass_through, kiln_flags_come_before_the_users_unchanged_arguments)
{
    const char *args[] = {"-O0", "-c", "src/a.c", "-o", "a.o"};
    const char *expected[] = {"musl-gcc",
                              "-static",
                              "-no-pie",
                              "-fno-omit-frame-pointer",
                              "-ffile-prefix-map=/home/me/app=.",
                              "-O0",
                              "-c",
                              "src/a.c",
                              "-o",
                              "a.o"};
    cr_assert_eq(musl_command_pass_through(&command, "/home/me/app", args, 5), 0);
    cr_assert_eq(command.argc, sizeof expected / sizeof expected[0]);
    for (size_t i = 0; i < command.argc; i++)
        cr_assert_str_eq(command.argv[i], expected[i], "argument %zu", i);
    cr_assert_null(command.argv[command.argc]);
}

Test(pass_through, no_default_optimization)
{
    const char *args[] = {"-c", "a.c"};
    cr_assert_eq(musl_command_pass_through(&command, "/src", args, 2), 0);
    for (size_t i = 0; i < command.argc; i++)
        cr_assert_str_neq(command.argv[i], "-O2");
}
