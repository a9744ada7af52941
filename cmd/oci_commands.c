/*
 * kiln-oci's commands past create: they read a container's folder and
 * act on its monitor process.
 */
#include "oci_commands.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <kiln/version.h>

#include "common/paths.h"
#include "oci_bundle.h"
#include "oci_log.h"
#include "oci_state.h"

#define JSON_OUTPUT        JSON_INDENT(2)
#define DELETE_WAIT_NS     10000000 /* between looks at a killed monitor process */
#define DELETE_WAIT_ROUNDS 1000     /* 10 s: a VM's teardown takes milliseconds */
#define EXIT_SIGNALED      128      /* a shell's status for a process a signal killed */

/* Prints json on stdout, then frees it. */
static int print_json(json_t *json)
{
    int rc = json != NULL && json_dumpf(json, stdout, JSON_OUTPUT) == 0 ? 0 : -1;
    json_decref(json);
    if (rc < 0)
        return oci_error("cannot write JSON (a bundle path that is not UTF-8?)");
    putchar('\n');
    return 0;
}

int oci_create(const struct oci_global_args *global, const struct oci_args *args)
{
    pid_t pid;
    return oci_create_container(global, args, false, &pid) == 0 ? 0 : EXIT_OCI_FAILED;
}

static int release(const struct oci_state *state)
{
    char fifo[PATH_MAX];
    char byte = 0;
    if (path_join(fifo, sizeof fifo, state->dir, OCI_EXEC_FIFO) != 0)
        return oci_error("%s: path too long", state->dir);
    /* Non-blocking: no reader left means the monitor process is gone. */
    int fd = open(fifo, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return errno == ENXIO ? oci_error("container %s is not running", state->id)
                              : oci_error("%s: %s", fifo, strerror(errno));
    int rc = write(fd, &byte, 1) == 1 ? 0 : oci_error("%s: %s", fifo, strerror(errno));
    close(fd);
    if (rc == 0)
        unlink(fifo);
    return rc;
}

int oci_start_container(const struct oci_global_args *global, const char *id)
{
    struct oci_state state;
    if (oci_state_load(&state, global->root, id) < 0)
        return -1;
    enum oci_status status = oci_state_status(&state);
    int rc = status == OCI_STATUS_CREATED ? release(&state)
             : status == OCI_STATUS_RUNNING
                 ? oci_error("container %s is already running", id)
                 : oci_error("container %s has stopped: a container starts once", id);
    oci_state_free(&state);
    return rc;
}

int oci_start(const struct oci_global_args *global, const struct oci_args *args)
{
    return oci_start_container(global, args->id) == 0 ? 0 : EXIT_OCI_FAILED;
}

int oci_state(const struct oci_global_args *global, const struct oci_args *args)
{
    struct oci_state state;
    if (oci_state_load(&state, global->root, args->id) < 0)
        return EXIT_OCI_FAILED;
    int rc = print_json(oci_state_json(&state, oci_state_status(&state)));
    oci_state_free(&state);
    return rc == 0 ? 0 : EXIT_OCI_FAILED;
}

int oci_kill(const struct oci_global_args *global, const struct oci_args *args)
{
    struct oci_state state;
    if (oci_state_load(&state, global->root, args->id) < 0)
        return EXIT_OCI_FAILED;
    int rc = 0;
    if (oci_state_status(&state) == OCI_STATUS_STOPPED)
        rc = oci_error("container %s is not running", args->id);
    else if (kill(state.pid, args->signal) != 0)
        rc = oci_error("container %s: kill: %s", args->id, strerror(errno));
    oci_state_free(&state);
    return rc == 0 ? 0 : EXIT_OCI_FAILED;
}

/* SIGKILL destroys the VM with its monitor; the folder goes once it is gone. */
static int stop(const struct oci_state *state)
{
    struct timespec pause = {0, DELETE_WAIT_NS};
    kill(state->pid, SIGKILL);
    for (int i = 0; i < DELETE_WAIT_ROUNDS; i++) {
        if (oci_state_status(state) == OCI_STATUS_STOPPED)
            return 0;
        nanosleep(&pause, NULL);
    }
    return oci_error("container %s: its monitor process %d outlived SIGKILL", state->id,
                     (int)state->pid);
}

/* A folder without state.json is what a create cut short left: runc's
 * delete removes it too, and --force then succeeds. */
static int delete_leftover(const struct oci_global_args *global, const struct oci_args *args)
{
    char dir[PATH_MAX], file[PATH_MAX];
    if (oci_state_dir(dir, global->root, args->id) < 0 ||
        path_join(file, sizeof file, dir, OCI_STATE_FILE) != 0 || access(file, F_OK) == 0)
        return 1;
    oci_state_remove(dir);
    return args->force ? 0 : oci_error("container %s does not exist", args->id);
}

int oci_delete(const struct oci_global_args *global, const struct oci_args *args)
{
    struct oci_state state;
    int leftover = delete_leftover(global, args);
    if (leftover <= 0)
        return leftover == 0 ? 0 : EXIT_OCI_FAILED;
    if (oci_state_load(&state, global->root, args->id) < 0)
        return EXIT_OCI_FAILED;
    enum oci_status status = oci_state_status(&state);
    int rc = 0;
    if (status != OCI_STATUS_STOPPED && !args->force)
        rc = oci_error("cannot delete container %s that is not stopped: %s", args->id,
                       oci_status_name(status));
    else if (status != OCI_STATUS_STOPPED)
        rc = stop(&state);
    if (rc == 0)
        rc = oci_state_remove(state.dir);
    oci_state_free(&state);
    return rc == 0 ? 0 : EXIT_OCI_FAILED;
}

/* run without --detach: signals for the container reach its monitor. */
static pid_t forward_to;

static void forward(int sig)
{
    kill(forward_to, sig);
}

static int forward_signals(pid_t pid)
{
    static const int forwarded[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};
    struct sigaction action = {.sa_handler = forward, .sa_flags = SA_RESTART};
    forward_to = pid;
    for (size_t i = 0; i < sizeof forwarded / sizeof forwarded[0]; i++)
        if (sigaction(forwarded[i], &action, NULL) != 0)
            return oci_error_errno("run: sigaction");
    return 0;
}

/* The container's status, as a shell gives a child's. */
static int wait_for(pid_t pid)
{
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return oci_error_errno("run: waitpid");
    return WIFSIGNALED(status) ? EXIT_SIGNALED + WTERMSIG(status) : WEXITSTATUS(status);
}

/* A container run could not start: gone, folder and all. */
static void discard(const struct oci_global_args *global, const char *id, pid_t pid)
{
    char dir[PATH_MAX];
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    if (oci_state_dir(dir, global->root, id) == 0)
        oci_state_remove(dir);
}

int oci_run(const struct oci_global_args *global, const struct oci_args *args)
{
    char dir[PATH_MAX];
    pid_t pid;
    if (oci_create_container(global, args, !args->detach, &pid) < 0)
        return EXIT_OCI_FAILED;
    if ((!args->detach && forward_signals(pid) < 0) || oci_start_container(global, args->id) < 0) {
        discard(global, args->id, pid);
        return EXIT_OCI_FAILED;
    }
    if (args->detach)
        return 0;
    int code = wait_for(pid);
    /* run keeps no stopped container: its status was the answer. */
    if (oci_state_dir(dir, global->root, args->id) == 0)
        oci_state_remove(dir);
    return code < 0 ? EXIT_OCI_FAILED : code;
}

static void list_entry(const struct oci_global_args *global, const struct oci_args *args,
                       const char *id, json_t *all)
{
    char file[PATH_MAX];
    struct oci_state state;
    /* A folder create is still filling has no state.json yet. */
    if (snprintf(file, sizeof file, "%s/%s/%s", global->root, id, OCI_STATE_FILE) >=
            (int)sizeof file ||
        access(file, F_OK) != 0 || oci_state_load(&state, global->root, id) < 0)
        return;
    enum oci_status status = oci_state_status(&state);
    if (args->json)
        json_array_append_new(all, oci_state_json(&state, status));
    else if (args->quiet)
        printf("%s\n", id);
    else
        printf("%-20s %-8d %-8s %-20s %s\n", id, status == OCI_STATUS_STOPPED ? 0 : state.pid,
               oci_status_name(status), state.created, state.bundle);
    oci_state_free(&state);
}

int oci_list(const struct oci_global_args *global, const struct oci_args *args)
{
    DIR *root = opendir(global->root);
    if (root == NULL && errno != ENOENT) {
        oci_error("--root %s: %s", global->root, strerror(errno));
        return EXIT_OCI_FAILED;
    }
    json_t *all = json_array();
    if (!args->json && !args->quiet)
        printf("%-20s %-8s %-8s %-20s %s\n", "ID", "PID", "STATUS", "CREATED", "BUNDLE");
    struct dirent *entry;
    while (root != NULL && (entry = readdir(root)) != NULL)
        if (oci_id_valid(entry->d_name))
            list_entry(global, args, entry->d_name, all);
    if (root != NULL)
        closedir(root);
    if (args->json)
        return print_json(all) == 0 ? 0 : EXIT_OCI_FAILED;
    json_decref(all);
    return 0;
}

/* The container's processes, which containerd's `ctr task ps` asks for:
 * one, the monitor, while it is alive. */
int oci_ps(const struct oci_global_args *global, const struct oci_args *args)
{
    struct oci_state state;
    if (oci_state_load(&state, global->root, args->id) < 0)
        return EXIT_OCI_FAILED;
    bool alive = oci_state_status(&state) != OCI_STATUS_STOPPED;
    int rc = 0;
    if (args->json)
        rc = print_json(alive ? json_pack("[i]", state.pid) : json_array());
    else if (printf("PID\n") < 0 || (alive && printf("%d\n", (int)state.pid) < 0))
        rc = -1;
    oci_state_free(&state);
    return rc == 0 ? 0 : EXIT_OCI_FAILED;
}

/* runtime-spec's features.md.  Namespaces are recognized (a config that
 * names them is accepted) and ignored, which the annotation says. */
int oci_features(const struct oci_global_args *global, const struct oci_args *args)
{
    (void)global;
    (void)args;
    json_t *features = json_pack(
        "{s:s, s:s, s:[], s:[s,s,s,s], s:{s:[s,s,s,s,s,s,s,s], s:{s:b, s:b, s:b, s:b}, "
        "s:{s:b}, s:{s:b}, s:{s:b}}, s:{s:s, s:s}}",
        "ociVersionMin", "1.0.0", "ociVersionMax", OCI_SPEC_VERSION, "hooks", "mountOptions",
        "bind", "rbind", "ro", "rw", "linux", "namespaces", "cgroup", "ipc", "mount", "network",
        "pid", "time", "user", "uts", "cgroup", "v1", 0, "v2", 0, "systemd", 0, "systemdUser", 0,
        "seccomp", "enabled", 0, "apparmor", "enabled", 0, "selinux", "enabled", 0, "annotations",
        "io.kiln.version", KILN_VERSION, "io.kiln.ignored",
        "linux.namespaces, cgroups, resources but memory.limit, capabilities, seccomp, rlimits, "
        "apparmor, selinux, masked paths and hooks are accepted and ignored: the container is a "
        "VM");
    return print_json(features) == 0 ? 0 : EXIT_OCI_FAILED;
}
