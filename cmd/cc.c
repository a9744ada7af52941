/*
 * kiln cc (also kiln-cc): gcc's command line for build systems.  Linking
 * an executable makes an image (builder/link_objects.h); anything else
 * (compiling, preprocessing, dependency lists, --version) is musl-gcc's
 * alone, with kiln's flags before the user's, and its exit status is
 * kiln cc's.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <kiln/abi.h>

#include "builder/link_objects.h"
#include "builder/musl_command.h"
#include "cc_args.h"
#include "commands.h"
#include "common/report.h"
#include "exit_codes.h"
#include "help.h"
#include "runtime_dir.h"

/* Replaces kiln with musl-gcc; returns only when that fails. */
static int exec_compiler(const struct musl_command *command)
{
    fflush(stdout);
    fflush(stderr);
    execvp(command->argv[0], command->argv);
    if (errno == ENOENT)
        report("cc: %s not found: install musl-tools", command->argv[0]);
    else
        report("cc: cannot start %s: %s", command->argv[0], strerror(errno));
    return EXIT_BUILD_FAILED;
}

static int link_image(const struct cc_args *args, const struct musl_command *command)
{
    char runtime_dir[PATH_MAX];
    if (args->refused != NULL) {
        report("cc: %s: cannot link an image: %s", args->refused, args->refused_why);
        return EXIT_USAGE;
    }
    if (runtime_dir_find(runtime_dir, sizeof runtime_dir) < 0)
        return EXIT_BUILD_FAILED;
    struct link_request request = {
        .args = (const char *const *)command->argv + 1,
        .arg_count = command->argc - 1,
        .default_mem = KILN_MEM_DEFAULT,
        .runtime_dir = runtime_dir,
        .output = args->output,
    };
    return link_objects(&request) == 0 ? 0 : EXIT_BUILD_FAILED;
}

static int run_with(const struct cc_args *args, int argc, char **argv)
{
    char cwd[PATH_MAX];
    struct musl_command command;
    if (getcwd(cwd, sizeof cwd) == NULL) {
        report("cc: cannot get the current directory: %s", strerror(errno));
        return EXIT_BUILD_FAILED;
    }
    bool links = args->mode == CC_LINK;
    const char *const *user_args = links ? args->link_args : (const char *const *)argv + 1;
    size_t user_count = links ? args->link_arg_count : (size_t)argc - 1;
    if (musl_command_pass_through(&command, cwd, user_args, user_count) != 0) {
        report("cc: %s", strerror(errno));
        return EXIT_BUILD_FAILED;
    }
    int code = links ? link_image(args, &command) : exec_compiler(&command);
    musl_command_free(&command);
    return code;
}

static bool asks_for_help(int argc, char **argv)
{
    return argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0);
}

int cmd_cc(int argc, char **argv)
{
    struct cc_args args;
    /* main ignores SIGPIPE for guests; the compilers must die of it as
     * they would when a build system's pipe closes. */
    signal(SIGPIPE, SIG_DFL);
    if (asks_for_help(argc, argv))
        return help_print("cc", stdout);
    if (cc_args_parse(argc - 1, argv + 1, &args) != 0) {
        report("cc: %s", strerror(errno));
        return EXIT_BUILD_FAILED;
    }
    int code = run_with(&args, argc, argv);
    cc_args_free(&args);
    return code;
}
