/* kiln: the table of subcommands, and kiln-cc, the name that means kiln cc. */
#include <signal.h>
#include <stdbool.h>
#include <string.h>

#include "commands.h"
#include "common/report.h"
#include "exit_codes.h"

static const struct command {
    const char *name;
    int (*run)(int argc, char **argv);
} commands[] = {
    {"build", cmd_build}, {"run", cmd_run},         {"serve", cmd_serve_exec},
    {"new", cmd_new},     {"version", cmd_version}, {"--version", cmd_version},
    {"help", cmd_help},   {"--help", cmd_help},     {"-h", cmd_help},
    {"cache", cmd_cache}, {"inspect", cmd_inspect}, {"cc", cmd_cc},
    {"test", cmd_test},   {"pack", cmd_pack},
};

/* The name build systems call as their one-word compiler (CC=kiln-cc). */
#define CC_PROGRAM "kiln-cc"

static bool called_as_cc(const char *argv0)
{
    const char *slash = strrchr(argv0, '/');
    return strcmp(slash != NULL ? slash + 1 : argv0, CC_PROGRAM) == 0;
}

int main(int argc, char **argv)
{
    /* A closed pipe must turn into EPIPE for the guest, not kill kiln. */
    signal(SIGPIPE, SIG_IGN);
    if (called_as_cc(argv[0]))
        return cmd_cc(argc, argv);
    if (argc < 2) {
        report("no command given (see kiln --help)");
        return EXIT_USAGE;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    report("unknown command \"%s\" (see kiln --help)", argv[1]);
    return EXIT_USAGE;
}
