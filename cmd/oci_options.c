#include "oci_options.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "option_parser.h"
#include "options.h"

#define PROGRAM    "kiln-oci"
#define ID_LEN_MAX 255 /* a name in --root's folder */
#define SIGNAL_MAX 64  /* Linux's SIGRTMAX */

enum {
    OPT_ROOT = OPT_COMMAND_FIRST,
    OPT_LOG,
    OPT_LOG_FORMAT,
    OPT_DEBUG,
    OPT_SYSTEMD_CGROUP,
    OPT_CGROUP_MANAGER,
    OPT_PID_FILE,
    OPT_CONSOLE_SOCKET,
    OPT_NO_PIVOT,
    OPT_NO_NEW_KEYRING,
    OPT_PRESERVE_FDS,
};

static const struct option_spec version_option = {'v', "version", NULL};
static const struct option_spec root_option = {OPT_ROOT, "root", "a folder"};
static const struct option_spec log_option = {OPT_LOG, "log", "a file"};
static const struct option_spec log_format_option = {OPT_LOG_FORMAT, "log-format", "text or json"};
static const struct option_spec debug_option = {OPT_DEBUG, "debug", NULL};
static const struct option_spec systemd_cgroup_option = {OPT_SYSTEMD_CGROUP, "systemd-cgroup",
                                                         NULL};
/* crun's: podman gives it (--cgroup-manager disabled) with --cgroups disabled. */
static const struct option_spec cgroup_manager_option = {OPT_CGROUP_MANAGER, "cgroup-manager",
                                                         "systemd, cgroupfs or disabled"};
static const struct option_spec bundle_option = {'b', "bundle", "a folder"};
static const struct option_spec pid_file_option = {OPT_PID_FILE, "pid-file", "a file"};
static const struct option_spec console_socket_option = {OPT_CONSOLE_SOCKET, "console-socket",
                                                         "a socket's path"};
static const struct option_spec no_pivot_option = {OPT_NO_PIVOT, "no-pivot", NULL};
static const struct option_spec no_new_keyring_option = {OPT_NO_NEW_KEYRING, "no-new-keyring",
                                                         NULL};
static const struct option_spec preserve_fds_option = {OPT_PRESERVE_FDS, "preserve-fds",
                                                       "a number"};
static const struct option_spec detach_option = {'d', "detach", NULL};
static const struct option_spec all_option = {'a', "all", NULL};
static const struct option_spec force_option = {'f', "force", NULL};
static const struct option_spec format_option = {'f', "format", "table or json"};
static const struct option_spec quiet_option = {'q', "quiet", NULL};

static const struct option_spec *const global_options[OPTIONS_MAX] = {
    &help_option,  &version_option,    &root_option,           &log_option,
    &debug_option, &log_format_option, &systemd_cgroup_option, &cgroup_manager_option,
};

/* What each command takes: its options, and how many operands (the ID
 * first, then kill's signal). */
static const struct command_spec {
    const char *name;
    const struct option_spec *const options[OPTIONS_MAX];
    int operands_min, operands_max;
} commands[] = {
    [OCI_CREATE] = {"create",
                    {&help_option, &bundle_option, &pid_file_option, &console_socket_option,
                     &no_pivot_option, &no_new_keyring_option, &preserve_fds_option},
                    1,
                    1},
    [OCI_START] = {"start", {&help_option}, 1, 1},
    [OCI_STATE] = {"state", {&help_option}, 1, 1},
    [OCI_KILL] = {"kill", {&help_option, &all_option}, 1, 2},
    [OCI_DELETE] = {"delete", {&help_option, &force_option}, 1, 1},
    [OCI_RUN] = {"run",
                 {&help_option, &bundle_option, &pid_file_option, &console_socket_option,
                  &detach_option, &no_pivot_option, &no_new_keyring_option, &preserve_fds_option},
                 1,
                 1},
    [OCI_LIST] = {"list", {&help_option, &format_option, &quiet_option}, 0, 0},
    [OCI_PS] = {"ps", {&help_option, &format_option}, 1, 1},
    [OCI_FEATURES] = {"features", {&help_option}, 0, 0},
    [OCI_HELP] = {"help", {&help_option}, 0, 1},
};

#define COMMAND_COUNT (sizeof commands / sizeof commands[0])

static int log_format_value(struct parser *parser, const char *value, enum oci_log_format *format)
{
    if (strcmp(value, "text") == 0)
        *format = OCI_LOG_TEXT;
    else if (strcmp(value, "json") == 0)
        *format = OCI_LOG_JSON;
    else
        return refuse(parser, "--log-format: \"%s\" is neither text nor json", value);
    return 0;
}

static int global_option(struct parser *parser, int code, const char *value,
                         struct oci_global_args *args)
{
    switch (code) {
    case 'v':
        args->version = true;
        return 0;
    case OPT_ROOT:
        return path_value(parser, "--root", "a folder", value, &args->root);
    case OPT_LOG:
        return path_value(parser, "--log", "a file", value, &args->log);
    case OPT_LOG_FORMAT:
        return log_format_value(parser, value, &args->log_format);
    case OPT_DEBUG:
        args->debug = true;
        return 0;
    case OPT_SYSTEMD_CGROUP:
        args->systemd_cgroup = true;
        return 0;
    case OPT_CGROUP_MANAGER:
        args->cgroup_manager = value;
        return 0;
    }
    return refuse(parser, "internal: global option %d has no handler", code);
}

int oci_parse_global(int argc, char **argv, struct oci_global_args *args, char *error,
                     size_t error_size)
{
    struct parser parser = {.argc = argc,
                            .argv = argv,
                            .program = PROGRAM,
                            .specs = &global_options,
                            .error = error,
                            .error_size = error_size};
    parser_start(&parser);
    *args = (struct oci_global_args){.root = OCI_DEFAULT_ROOT, .command_at = argc};
    const char *value;
    int code;
    while ((code = next_option(&parser, &value)) > 0) {
        if (code == OPT_OPERAND) {
            args->command_at = parser.at - 1;
            return 0;
        }
        if (code == 'h')
            args->help = true;
        else if (global_option(&parser, code, value, args) < 0)
            return -1;
    }
    return code;
}

int oci_command_named(const char *name, enum oci_command *command)
{
    for (size_t i = 0; i < COMMAND_COUNT; i++)
        if (strcmp(commands[i].name, name) == 0) {
            *command = (enum oci_command)i;
            return 0;
        }
    return -1;
}

bool oci_id_valid(const char *id)
{
    size_t len = strlen(id);
    if (len == 0 || len > ID_LEN_MAX || strcmp(id, ".") == 0 || strcmp(id, "..") == 0)
        return false;
    return strspn(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_+-.") == len;
}

int oci_signal_parse(const char *text, int *signal)
{
    char *end;
    long number = strtol(text, &end, 10);
    if (end != text && *end == '\0')
        *signal = (int)number;
    else {
        const char *name = strncasecmp(text, "SIG", 3) == 0 ? text + 3 : text;
        *signal = 0;
        for (int sig = 1; sig < SIGNAL_MAX && *signal == 0; sig++) {
            const char *abbrev = sigabbrev_np(sig);
            if (abbrev != NULL && strcasecmp(abbrev, name) == 0)
                *signal = sig;
        }
    }
    return *signal >= 1 && *signal <= SIGNAL_MAX ? 0 : -1;
}

/* The ID, then kill's signal. */
static int take_operand(struct parser *parser, const struct command_spec *spec, int *operands,
                        const char *value, struct oci_args *args)
{
    if (*operands == spec->operands_max)
        return refuse(parser, "%s: unexpected argument \"%s\"", spec->name, value);
    if (spec == &commands[OCI_HELP])
        args->topic = value;
    else if (*operands == 0 && !oci_id_valid(value))
        return refuse(parser,
                      "\"%s\" is not a container ID (letters, digits and _+-. only, not . "
                      "or ..)",
                      value);
    else if (*operands == 0)
        args->id = value;
    else if (oci_signal_parse(value, &args->signal) < 0)
        return refuse(parser, "kill: \"%s\" is not a signal (a number or a name: TERM, KILL...)",
                      value);
    (*operands)++;
    return 0;
}

static int list_format_value(struct parser *parser, const char *value, bool *json)
{
    *json = strcmp(value, "json") == 0;
    if (!*json && strcmp(value, "table") != 0)
        return refuse(parser, "list --format: \"%s\" is neither table nor json", value);
    return 0;
}

static int command_option(struct parser *parser, enum oci_command command, int code,
                          const char *value, struct oci_args *args)
{
    switch (code) {
    case 'b':
        return path_value(parser, "--bundle", "a folder", value, &args->bundle);
    case OPT_PID_FILE:
        return path_value(parser, "--pid-file", "a file", value, &args->pid_file);
    case OPT_CONSOLE_SOCKET:
        return path_value(parser, "--console-socket", "a socket's path", value,
                          &args->console_socket);
    case OPT_PRESERVE_FDS:
        return count_value(parser, "--preserve-fds", value, 0, OCI_PRESERVE_FDS_MAX,
                           &args->preserve_fds);
    case OPT_NO_PIVOT:
    case OPT_NO_NEW_KEYRING:
        return 0; /* a VM has no root to pivot and no keyring to share */
    case 'd':
        args->detach = true;
        return 0;
    case 'a':
        args->all = true;
        return 0;
    case 'q':
        args->quiet = true;
        return 0;
    case 'f':
        if (command == OCI_LIST || command == OCI_PS)
            return list_format_value(parser, value, &args->json);
        args->force = true;
        return 0;
    }
    return refuse(parser, "internal: option %d has no handler", code);
}

int oci_parse_command(enum oci_command command, int argc, char **argv, struct oci_args *args,
                      char *error, size_t error_size)
{
    const struct command_spec *spec = &commands[command];
    struct parser parser = {.argc = argc,
                            .argv = argv,
                            .program = PROGRAM,
                            .command = spec->name,
                            .specs = &spec->options,
                            .error = error,
                            .error_size = error_size};
    parser_start(&parser);
    *args = (struct oci_args){.bundle = ".", .signal = SIGTERM};
    const char *value;
    int code, operands = 0;
    while ((code = next_option(&parser, &value)) > 0) {
        if (code == 'h') {
            args->help = true;
            return 0;
        }
        int taken = code == OPT_OPERAND ? take_operand(&parser, spec, &operands, value, args)
                                        : command_option(&parser, command, code, value, args);
        if (taken < 0)
            return -1;
    }
    if (code < 0)
        return -1;
    /* What follows "--" is operands, even when it starts with "-". */
    for (int at = parser.at + 1; at < argc; at++)
        if (take_operand(&parser, spec, &operands, argv[at], args) < 0)
            return -1;
    if (operands < spec->operands_min)
        return refuse(&parser, "%s needs a container ID (see kiln-oci %s --help)", spec->name,
                      spec->name);
    return 0;
}
