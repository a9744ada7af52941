/* kiln-oci's help texts: kiln-oci --help, kiln-oci COMMAND --help. */
#include <string.h>

#include <kiln/abi.h>

#include "oci_commands.h"
#include "option_values.h"

#define SIZE_TEXT 32

static const struct topic {
    const char *name;
    const char *text;
} topics[] = {
    {"kiln-oci",
     "kiln-oci runs OCI bundles as kiln microVMs, with runc's command line, for\n"
     "podman (--runtime kiln-oci) and containerd (io.containerd.runc.v2, BinaryName).\n"
     "\n"
     "Usage: kiln-oci [GLOBAL OPTIONS] COMMAND [OPTIONS] ID\n"
     "\n"
     "Commands:\n"
     "  create ID     boot the bundle's VM, held before its first instruction\n"
     "  start ID      let a created container's guest run\n"
     "  state ID      the runtime spec's state of a container, as JSON\n"
     "  kill ID [SIG] send a signal (default TERM) to the container's monitor\n"
     "  delete ID     forget a stopped container (--force: stop it first)\n"
     "  run ID        create and start; wait for its end unless --detach\n"
     "  list          the containers under --root\n"
     "  ps ID         the container's processes (its monitor)\n"
     "  features      what kiln-oci honours, as runtime-spec features JSON\n"
     "  help [CMD]    this help, or a command's\n"
     "\n"
     "Global options:\n"
     "  --root DIR            containers' state (default " OCI_DEFAULT_ROOT ")\n"
     "  --log FILE            also append errors (and --debug's lines) there\n"
     "  --log-format FORMAT   text (default) or json: {\"level\",\"msg\",\"time\"} lines\n"
     "  --debug               say what of the bundle a VM ignores\n"
     "  --systemd-cgroup      accepted: a VM is placed in no cgroup of its own\n"
     "  --cgroup-manager M    accepted likewise (podman gives it with --cgroups disabled)\n"
     "  -v, --version         kiln-oci's version and the runtime spec's\n"
     "  -h, --help            this help\n"
     "\n"
     "The container's process is the monitor of its VM: the pid in --pid-file,\n"
     "which exits with the guest's status (kiln run's codes: 126 a crash, 125\n"
     "kiln could not run it).  process.args[0], found in root.path, is a kiln image\n"
     "or a Linux x86-64 program; root.path is the guest's / and bind and tmpfs\n"
     "mounts are volumes.  Namespaces, cgroups, capabilities, seccomp and rlimits\n"
     "are a process's and are ignored.  Errors: one line, \"kiln-oci: ...\", exit 1.\n"},
    {"create", "Usage: kiln-oci create [OPTIONS] ID\n"
               "\n"
               "Boots the VM of the bundle's config.json and holds it before its first\n"
               "instruction until kiln-oci start ID.  With process.terminal false the\n"
               "container has create's stdin, stdout and stderr.\n"
               "\n"
               "  -b, --bundle DIR        the bundle (default: the current folder)\n"
               "  --pid-file FILE         write the monitor process's pid there\n"
               "  --console-socket PATH   with process.terminal: send the pty's master there\n"
               "  --preserve-fds N        pass fds 3 .. 3+N-1 on to the container\n"
               "  --no-pivot, --no-new-keyring   accepted: a VM has neither\n"},
    {"start", "Usage: kiln-oci start ID\n\nLets a created container's guest run.\n"},
    {"state", "Usage: kiln-oci state ID\n"
              "\n"
              "Prints the container's state: ociVersion, id, status (created, running or\n"
              "stopped), pid, bundle, created and annotations.\n"},
    {"kill", "Usage: kiln-oci kill [--all] ID [SIGNAL]\n"
             "\n"
             "Sends SIGNAL (a number or a name: TERM, SIGKILL, 9; default TERM) to the\n"
             "container's monitor.  TERM and INT reach the guest as signals; KILL destroys\n"
             "the VM.  -a, --all is accepted: the container is one process.\n"},
    {"delete", "Usage: kiln-oci delete [--force] ID\n"
               "\n"
               "Removes a stopped container's state.  -f, --force kills a created or\n"
               "running one first.\n"},
    {"run", "Usage: kiln-oci run [OPTIONS] ID\n"
            "\n"
            "create, then start.  Without --detach it waits for the container, passes\n"
            "it the signals it receives, removes it when it ends, and exits with its\n"
            "status.  Options: create's, and -d, --detach.\n"},
    {"list", "Usage: kiln-oci list [--format table|json] [-q]\n"
             "\n"
             "The containers under --root.  -f, --format json: their states as a JSON\n"
             "array; -q, --quiet: their IDs alone.\n"},
    {"ps", "Usage: kiln-oci ps [--format table|json] ID\n"
           "\n"
           "The container's processes: its monitor's pid while it lives (a JSON array\n"
           "with -f, --format json).\n"},
    {"features",
     "Usage: kiln-oci features\n\nWhat kiln-oci honours, as runtime-spec features JSON.\n"},
    {"help", "Usage: kiln-oci help [COMMAND]\n"},
};

int oci_help_print(const char *topic, FILE *out)
{
    const char *name = topic != NULL ? topic : "kiln-oci";
    for (size_t i = 0; i < sizeof topics / sizeof topics[0]; i++)
        if (strcmp(topics[i].name, name) == 0) {
            fputs(topics[i].text, out);
            if (strcmp(name, "create") == 0 || strcmp(name, "run") == 0) {
                char max[SIZE_TEXT];
                format_size(KILN_MEM_MAX, max, sizeof max);
                fprintf(out,
                        "\nlinux.resources.memory.limit is the guest's memory (at most %s);\n"
                        "without one, the image's own default.\n",
                        max);
            }
            return 0;
        }
    return -1;
}
