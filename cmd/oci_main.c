/* kiln-oci: runc's command line over kiln's VMs; the table of commands. */
#include <signal.h>
#include <stdio.h>

#include <kiln/abi.h>
#include <kiln/version.h>

#include "oci_bundle.h"
#include "oci_commands.h"
#include "oci_log.h"
#include "oci_options.h"
#include "options.h"

static int (*const commands[])(const struct oci_global_args *, const struct oci_args *) = {
    [OCI_CREATE] = oci_create, [OCI_START] = oci_start,   [OCI_STATE] = oci_state,
    [OCI_KILL] = oci_kill,     [OCI_DELETE] = oci_delete, [OCI_RUN] = oci_run,
    [OCI_LIST] = oci_list,     [OCI_PS] = oci_ps,         [OCI_FEATURES] = oci_features,
};

static int print_version(void)
{
    printf("kiln-oci version %s (abi %d)\nspec: %s\n", KILN_VERSION, KILN_ABI_VERSION,
           OCI_SPEC_VERSION);
    return 0;
}

static int help(const char *topic)
{
    if (oci_help_print(topic, stdout) == 0)
        return 0;
    oci_error("help: no command \"%s\" (see kiln-oci --help)", topic);
    return EXIT_OCI_FAILED;
}

static int run_command(const struct oci_global_args *global, int argc, char **argv)
{
    char error[OPTIONS_ERROR_SIZE];
    enum oci_command command;
    struct oci_args args;
    if (oci_command_named(argv[0], &command) < 0) {
        oci_error("unknown command \"%s\" (see kiln-oci --help)", argv[0]);
        return EXIT_OCI_FAILED;
    }
    if (oci_parse_command(command, argc, argv, &args, error, sizeof error) < 0) {
        oci_error("%s", error);
        return EXIT_OCI_FAILED;
    }
    if (args.help)
        return help(argv[0]);
    if (command == OCI_HELP)
        return help(args.topic);
    return commands[command](global, &args);
}

int main(int argc, char **argv)
{
    char error[OPTIONS_ERROR_SIZE];
    struct oci_global_args global;
    /* A closed pipe must turn into EPIPE for the guest, not kill its monitor. */
    signal(SIGPIPE, SIG_IGN);
    if (oci_parse_global(argc, argv, &global, error, sizeof error) < 0) {
        oci_error("%s", error);
        return EXIT_OCI_FAILED;
    }
    if (global.help)
        return help(NULL);
    if (global.version)
        return print_version();
    if (oci_log_open(global.log, global.log_format, global.debug) < 0)
        return EXIT_OCI_FAILED;
    if (global.systemd_cgroup)
        oci_debug("ignored: --systemd-cgroup (a VM is placed in no cgroup of its own)");
    if (global.cgroup_manager != NULL)
        oci_debug("ignored: --cgroup-manager %s (a VM is placed in no cgroup of its own)",
                  global.cgroup_manager);
    if (global.command_at == argc) {
        oci_error("no command given (see kiln-oci --help)");
        return EXIT_OCI_FAILED;
    }
    return run_command(&global, argc - global.command_at, argv + global.command_at);
}
