#include <criterion/criterion.h>
#include <signal.h>

#include "cmd/oci_options.h"
#include "cmd/options.h"

#define ARGC(argv) ((int)(sizeof(argv) / sizeof(argv)[0]))

static char error[OPTIONS_ERROR_SIZE];

static struct oci_global_args global_parsed(int argc, char **argv)
{
    struct oci_global_args args;
    cr_assert_eq(oci_parse_global(argc, argv, &args, error, sizeof error), 0, "refused: %s", error);
    return args;
}

static struct oci_args parsed(enum oci_command command, int argc, char **argv)
{
    struct oci_args args;
    cr_assert_eq(oci_parse_command(command, argc, argv, &args, error, sizeof error), 0,
                 "refused: %s", error);
    return args;
}

static void assert_refused(enum oci_command command, int argc, char **argv, const char *why)
{
    struct oci_args args;
    cr_assert_eq(oci_parse_command(command, argc, argv, &args, error, sizeof error), -1);
    cr_assert_str_eq(error, why);
}

Test(oci_options, global_options_as_containerd_shim_gives_them)
{
    char *argv[] = {"kiln-oci",
                    "--root",
                    "/run/containerd/runc/default",
                    "--log",
                    "log.json",
                    "--log-format",
                    "json",
                    "--debug",
                    "--systemd-cgroup",
                    "--cgroup-manager=disabled",
                    "create",
                    "--bundle",
                    "b",
                    "id"};
    struct oci_global_args args = global_parsed(ARGC(argv), argv);
    cr_assert_str_eq(args.root, "/run/containerd/runc/default");
    cr_assert_str_eq(args.log, "log.json");
    cr_assert_eq(args.log_format, OCI_LOG_JSON);
    cr_assert(args.debug);
    cr_assert(args.systemd_cgroup);
    cr_assert_str_eq(args.cgroup_manager, "disabled");
    cr_assert_eq(args.command_at, 10);
}

Test(oci_options, root_defaults_to_run_kiln_oci)
{
    char *argv[] = {"kiln-oci", "state", "id"};
    struct oci_global_args args = global_parsed(ARGC(argv), argv);
    cr_assert_str_eq(args.root, "/run/kiln-oci");
    cr_assert_null(args.log);
    cr_assert_eq(args.log_format, OCI_LOG_TEXT);
    cr_assert_eq(args.command_at, 1);
}

Test(oci_options, no_command_is_noticed)
{
    char *argv[] = {"kiln-oci", "--debug"};
    struct oci_global_args args = global_parsed(ARGC(argv), argv);
    cr_assert_eq(args.command_at, ARGC(argv));
}

Test(oci_options, version_and_help_are_global)
{
    char *argv[] = {"kiln-oci", "--version", "-h"};
    struct oci_global_args args = global_parsed(ARGC(argv), argv);
    cr_assert(args.version);
    cr_assert(args.help);
}

Test(oci_options, unknown_log_format_is_refused)
{
    char *argv[] = {"kiln-oci", "--log-format", "xml", "list"};
    struct oci_global_args args;
    cr_assert_eq(oci_parse_global(ARGC(argv), argv, &args, error, sizeof error), -1);
    cr_assert_str_eq(error, "--log-format: \"xml\" is neither text nor json");
}

Test(oci_options, unknown_global_option_points_at_kiln_oci_help)
{
    char *argv[] = {"kiln-oci", "--criu", "list"};
    struct oci_global_args args;
    cr_assert_eq(oci_parse_global(ARGC(argv), argv, &args, error, sizeof error), -1);
    cr_assert_str_eq(error, "unknown option \"--criu\" (see kiln-oci --help)");
}

Test(oci_options, create_reads_go_runc_line)
{
    char *argv[] = {"create",           "--bundle",         "/b", "--pid-file",
                    "/b/init.pid",      "--console-socket", "/s", "--no-pivot",
                    "--no-new-keyring", "--preserve-fds",   "2",  "c1"};
    struct oci_args args = parsed(OCI_CREATE, ARGC(argv), argv);
    cr_assert_str_eq(args.id, "c1");
    cr_assert_str_eq(args.bundle, "/b");
    cr_assert_str_eq(args.pid_file, "/b/init.pid");
    cr_assert_str_eq(args.console_socket, "/s");
    cr_assert_eq(args.preserve_fds, 2);
}

Test(oci_options, create_takes_the_id_first_and_bundle_defaults_to_here)
{
    char *argv[] = {"create", "c1", "-b", "/b"};
    struct oci_args args = parsed(OCI_CREATE, ARGC(argv), argv);
    cr_assert_str_eq(args.id, "c1");
    cr_assert_str_eq(args.bundle, "/b");
    char *bare[] = {"create", "c1"};
    args = parsed(OCI_CREATE, ARGC(bare), bare);
    cr_assert_str_eq(args.bundle, ".");
    cr_assert_null(args.pid_file);
    cr_assert_null(args.console_socket);
}

Test(oci_options, a_command_needs_its_id)
{
    char *argv[] = {"start"};
    assert_refused(OCI_START, ARGC(argv), argv,
                   "start needs a container ID (see kiln-oci start --help)");
}

Test(oci_options, a_second_id_is_refused)
{
    char *argv[] = {"delete", "a", "b"};
    assert_refused(OCI_DELETE, ARGC(argv), argv, "delete: unexpected argument \"b\"");
}

Test(oci_options, an_id_that_could_leave_root_is_refused)
{
    char *argv[] = {"state", "../etc"};
    assert_refused(OCI_STATE, ARGC(argv), argv,
                   "\"../etc\" is not a container ID (letters, digits and _+-. only, not . or ..)");
}

Test(oci_options, unknown_command_option_points_at_its_help)
{
    char *argv[] = {"start", "--bundle", "b", "c1"};
    assert_refused(OCI_START, ARGC(argv), argv,
                   "unknown option \"--bundle\" (see kiln-oci start --help)");
}

Test(oci_options, kill_defaults_to_term)
{
    char *argv[] = {"kill", "c1"};
    struct oci_args args = parsed(OCI_KILL, ARGC(argv), argv);
    cr_assert_str_eq(args.id, "c1");
    cr_assert_eq(args.signal, SIGTERM);
}

Test(oci_options, kill_takes_a_number_after_the_id)
{
    char *argv[] = {"kill", "--all", "c1", "9"};
    struct oci_args args = parsed(OCI_KILL, ARGC(argv), argv);
    cr_assert(args.all);
    cr_assert_eq(args.signal, SIGKILL);
}

Test(oci_options, kill_refuses_what_is_no_signal)
{
    char *argv[] = {"kill", "c1", "TERMINATE"};
    assert_refused(OCI_KILL, ARGC(argv), argv,
                   "kill: \"TERMINATE\" is not a signal (a number or a name: TERM, KILL...)");
}

Test(oci_options, signals_by_name_with_or_without_sig_in_any_case)
{
    int signal;
    cr_assert_eq(oci_signal_parse("TERM", &signal), 0);
    cr_assert_eq(signal, SIGTERM);
    cr_assert_eq(oci_signal_parse("SIGKILL", &signal), 0);
    cr_assert_eq(signal, SIGKILL);
    cr_assert_eq(oci_signal_parse("int", &signal), 0);
    cr_assert_eq(signal, SIGINT);
    cr_assert_eq(oci_signal_parse("15", &signal), 0);
    cr_assert_eq(signal, SIGTERM);
    cr_assert_eq(oci_signal_parse("0", &signal), -1);
    cr_assert_eq(oci_signal_parse("65", &signal), -1);
    cr_assert_eq(oci_signal_parse("", &signal), -1);
    cr_assert_eq(oci_signal_parse("SIG", &signal), -1);
}

Test(oci_options, delete_force_run_detach_and_list_formats)
{
    char *delete[] = {"delete", "-f", "c1"};
    cr_assert(parsed(OCI_DELETE, ARGC(delete), delete).force);
    char *run[] = {"run", "--detach", "--bundle", "/b", "c1"};
    cr_assert(parsed(OCI_RUN, ARGC(run), run).detach);
    char *list[] = {"list", "--format", "json"};
    cr_assert(parsed(OCI_LIST, ARGC(list), list).json);
    char *quiet[] = {"list", "-q"};
    struct oci_args args = parsed(OCI_LIST, ARGC(quiet), quiet);
    cr_assert(args.quiet);
    cr_assert_not(args.json);
    char *bad[] = {"list", "--format", "yaml"};
    assert_refused(OCI_LIST, ARGC(bad), bad, "list --format: \"yaml\" is neither table nor json");
}

Test(oci_options, commands_are_found_by_name)
{
    enum oci_command command;
    cr_assert_eq(oci_command_named("features", &command), 0);
    cr_assert_eq(command, OCI_FEATURES);
    cr_assert_eq(oci_command_named("exec", &command), -1);
}

Test(oci_options, ids_are_runc_s)
{
    cr_assert(oci_id_valid("abc_DEF-1.2+3"));
    cr_assert_not(oci_id_valid(""));
    cr_assert_not(oci_id_valid("."));
    cr_assert_not(oci_id_valid(".."));
    cr_assert_not(oci_id_valid("a/b"));
    cr_assert_not(oci_id_valid("a b"));
}
