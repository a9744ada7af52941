/*
 * kiln-oci's command line, runc's dialect as containerd's runc shim
 * (go-runc) and podman's conmon speak it: global options, then the
 * command, its options and its operands in any order ("create --bundle B
 * ID" or "create ID --bundle B").  Parsing never prints: a refusal comes
 * back as one line in the caller's error buffer.
 */
#ifndef KILN_OCI_OPTIONS_H
#define KILN_OCI_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define OCI_DEFAULT_ROOT "/run/kiln-oci"
/* runc's own cap on --preserve-fds is none; this one keeps a typo from
 * meaning "keep every descriptor". */
#define OCI_PRESERVE_FDS_MAX 1024

enum oci_log_format {
    OCI_LOG_TEXT, /* logrus's text lines, as runc writes them */
    OCI_LOG_JSON, /* {"level":...,"msg":...,"time":...}, which containerd reads back */
};

struct oci_global_args {
    const char *root; /* where containers' state lives */
    const char *log;  /* --log FILE, or NULL: stderr alone */
    enum oci_log_format log_format;
    bool debug;
    bool systemd_cgroup;        /* accepted: a VM has no cgroup of its own to place */
    const char *cgroup_manager; /* accepted, for the same reason; NULL when not given */
    bool help;
    bool version;
    int command_at; /* argv's index of the command; argc when none was given */
};

enum oci_command {
    OCI_CREATE,
    OCI_START,
    OCI_STATE,
    OCI_KILL,
    OCI_DELETE,
    OCI_RUN,
    OCI_LIST,
    OCI_PS,
    OCI_FEATURES,
    OCI_HELP,
};

/* What a command takes.  Strings point into argv. */
struct oci_args {
    const char *id;
    const char *bundle;         /* create, run: "." unless --bundle */
    const char *pid_file;       /* or NULL */
    const char *console_socket; /* or NULL */
    uint64_t preserve_fds;      /* fds 3 .. 3 + preserve_fds - 1 go to the container */
    int signal;                 /* kill: SIGTERM unless given */
    const char *topic;          /* help: a command's name, or NULL */
    bool all;                   /* kill --all: accepted, the VM is one process */
    bool force;                 /* delete --force */
    bool detach;                /* run --detach */
    bool json;                  /* list or ps --format json */
    bool quiet;                 /* list -q */
    bool help;
};

/* Reads the global options up to the command.  Returns 0, or -1 with the
 * reason in error. */
int oci_parse_global(int argc, char **argv, struct oci_global_args *args, char *error,
                     size_t error_size);

/* The command called name: 0, or -1 when there is none. */
int oci_command_named(const char *name, enum oci_command *command);

/* Reads command's line; argv[0] is its name.  Returns 0, or -1 with the
 * reason in error.  With help set, the rest of the line is not looked at. */
int oci_parse_command(enum oci_command command, int argc, char **argv, struct oci_args *args,
                      char *error, size_t error_size);

/* A signal as kill takes it: a number, or a name with or without "SIG",
 * in any case ("15", "TERM", "sigkill").  Returns 0, or -1. */
int oci_signal_parse(const char *text, int *signal);

/* Whether id can name a container, and a folder under --root: letters,
 * digits and "_+-.", but not "." or "..", as runc allows. */
bool oci_id_valid(const char *id);

#endif
