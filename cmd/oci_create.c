/*
 * kiln-oci create: check the bundle, make the container's folder, fork
 * the monitor process and wait until it holds a booted VM; then write
 * state.json and --pid-file and leave it waiting for start.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/atomic_file.h"
#include "common/file_io.h"
#include "common/paths.h"
#include "oci_commands.h"
#include "oci_console.h"
#include "oci_log.h"
#include "oci_monitor.h"
#include "oci_state.h"

#define ROOT_MODE     0700
#define FIFO_MODE     0600
#define PID_FILE_MODE 0644
/* Of the monitor's words before ready; the rest is read and dropped. */
#define MONITOR_WORDS_MAX 65536
#define KILN_PREFIX       "kiln: "

/* The container's folder under --root, with its exec.fifo. */
struct container_dir {
    char path[PATH_MAX];
    int fifo_fd; /* open for reading and writing: opening never blocks */
};

/* mkdir -p of --root: /run/kiln-oci needs making on a fresh boot. */
static int make_root(const char *root)
{
    char path[PATH_MAX];
    if (snprintf(path, sizeof path, "%s", root) >= (int)sizeof path)
        return oci_error("--root %s: path too long", root);
    for (char *slash = strchr(path + 1, '/');; slash = strchr(slash + 1, '/')) {
        if (slash != NULL)
            *slash = '\0';
        if (mkdir(path, ROOT_MODE) != 0 && errno != EEXIST)
            return oci_error("--root %s: %s: %s", root, path, strerror(errno));
        if (slash == NULL)
            return 0;
        *slash = '/';
    }
}

static int make_container_dir(struct container_dir *dir, const char *root, const char *id)
{
    char fifo[PATH_MAX];
    dir->fifo_fd = -1;
    if (make_root(root) < 0 || oci_state_dir(dir->path, root, id) < 0)
        return -1;
    if (mkdir(dir->path, ROOT_MODE) != 0)
        return errno == EEXIST ? oci_error("container %s already exists", id)
                               : oci_error("%s: %s", dir->path, strerror(errno));
    if (path_join(fifo, sizeof fifo, dir->path, OCI_EXEC_FIFO) != 0 ||
        mkfifo(fifo, FIFO_MODE) != 0 || (dir->fifo_fd = open(fifo, O_RDWR | O_CLOEXEC)) < 0) {
        oci_error("%s: %s", fifo, strerror(errno));
        oci_state_remove(dir->path);
        return -1;
    }
    return 0;
}

static void note_ignored(const struct oci_bundle *bundle)
{
    for (size_t i = 0; i < bundle->ignored_count; i++)
        oci_debug("ignored: %s", bundle->ignored[i]);
}

/* The pty's slave when the bundle asks for a terminal: -1 without one,
 * and when run shares its own; -2 refused (reported). */
static int open_console(const struct oci_bundle *bundle, const struct oci_args *args,
                        bool in_foreground)
{
    if (!bundle->terminal)
        return -1;
    if (args->console_socket != NULL) {
        int slave =
            oci_console_open(args->console_socket, bundle->console_width, bundle->console_height);
        return slave >= 0 ? slave : -2;
    }
    if (in_foreground)
        return -1;
    oci_error("process.terminal is true, but there is no --console-socket to send the pty to");
    return -2;
}

/* Reads the monitor's stderr until it closes it: its reports, then, when
 * the VM is ready, OCI_READY_BYTE.  text keeps the first of it, up to the
 * ready byte, as a string.  Returns whether that came. */
static bool read_reports(int fd, char text[MONITOR_WORDS_MAX])
{
    char scratch[PIPE_BUF];
    bool ready = false;
    size_t len = 0;
    for (;;) {
        size_t room = MONITOR_WORDS_MAX - 1 - len;
        char *into = room > 0 ? text + len : scratch;
        ssize_t got = read(fd, into, room > 0 ? room : sizeof scratch);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            break;
        ready = ready || memchr(into, OCI_READY_BYTE, (size_t)got) != NULL;
        if (room > 0)
            len += (size_t)got;
    }
    text[len] = '\0';
    return ready;
}

/* The monitor's reports, as kiln-oci's: "kiln: " becomes "kiln-oci: ". */
static void pass_on(char *text)
{
    for (char *line = strtok(text, "\n"); line != NULL; line = strtok(NULL, "\n"))
        oci_error("%s", strncmp(line, KILN_PREFIX, strlen(KILN_PREFIX)) == 0
                            ? line + strlen(KILN_PREFIX)
                            : line);
}

static void report_failure(pid_t pid, char *text)
{
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (text[0] != '\0')
        pass_on(text);
    else if (WIFSIGNALED(status))
        oci_error("the monitor process was killed by signal %d before its VM was ready",
                  WTERMSIG(status));
    else
        oci_error("the monitor process exited with status %d before its VM was ready",
                  WEXITSTATUS(status));
}

/* Forks the monitor; returns its pid once its VM is ready, or -1
 * (reported, the monitor gone). */
static pid_t fork_monitor(const struct oci_monitor_setup *setup)
{
    char text[MONITOR_WORDS_MAX];
    int pipe_fds[2];
    if (pipe2(pipe_fds, O_CLOEXEC) != 0)
        return oci_error_errno("create: pipe");
    pid_t pid = fork();
    if (pid == 0) {
        close(pipe_fds[0]);
        struct oci_monitor_setup child = *setup;
        child.report_fd = pipe_fds[1];
        oci_monitor_main(&child);
    }
    close(pipe_fds[1]);
    if (pid < 0) {
        close(pipe_fds[0]);
        return oci_error_errno("create: fork");
    }
    bool ready = read_reports(pipe_fds[0], text);
    close(pipe_fds[0]);
    if (!ready) {
        report_failure(pid, text);
        return -1;
    }
    /* What a VM that got ready said (a cache it could not use) is shown as
     * it is: only failures become kiln-oci's errors. */
    (void)write_all(STDERR_FILENO, text, strlen(text));
    return pid;
}

static int write_pid_file(const char *path, pid_t pid)
{
    char text[32];
    struct iovec part = {text, (size_t)snprintf(text, sizeof text, "%d", (int)pid)};
    return atomic_file_write(path, PID_FILE_MODE, &part, 1) == 0
               ? 0
               : oci_error("--pid-file %s: cannot write it", path);
}

static int record(const struct oci_args *args, const struct container_dir *dir,
                  const struct oci_bundle *bundle, const char *bundle_dir, pid_t pid)
{
    struct oci_state state = {.pid = pid, .annotations = bundle->annotations};
    snprintf(state.dir, sizeof state.dir, "%s", dir->path);
    snprintf(state.id, sizeof state.id, "%s", args->id);
    snprintf(state.bundle, sizeof state.bundle, "%s", bundle_dir);
    oci_time_now(state.created, sizeof state.created);
    state.start_time = oci_process_start_time(pid);
    if (state.start_time == 0)
        return oci_error("container %s: its monitor process ended as it was made", args->id);
    if (oci_state_save(&state) < 0)
        return -1;
    return args->pid_file != NULL ? write_pid_file(args->pid_file, pid) : 0;
}

/* What create checks before any folder or process exists. */
static int read_bundle(const struct oci_args *args, char *bundle_dir, struct oci_bundle *bundle,
                       struct oci_process *process)
{
    char error[OCI_BUNDLE_ERROR];
    if (realpath(args->bundle, bundle_dir) == NULL)
        return oci_error("--bundle %s: %s", args->bundle, strerror(errno));
    if (oci_bundle_read(bundle, bundle_dir, error, sizeof error) < 0)
        return oci_error("%s", error);
    note_ignored(bundle);
    if (oci_process_plan(process, bundle, bundle_dir) < 0) {
        oci_bundle_free(bundle);
        return -1;
    }
    return 0;
}

static int create_from(const struct oci_global_args *global, const struct oci_args *args,
                       bool in_foreground, const struct oci_bundle *bundle,
                       const struct oci_process *process, const char *bundle_dir, pid_t *pid)
{
    struct container_dir dir;
    if (make_container_dir(&dir, global->root, args->id) < 0)
        return -1;
    int console = open_console(bundle, args, in_foreground);
    if (console == -2) {
        close(dir.fifo_fd);
        oci_state_remove(dir.path);
        return -1;
    }
    struct oci_monitor_setup setup = {
        .bundle = bundle,
        .process = process,
        .fifo_fd = dir.fifo_fd,
        .console_fd = console,
        .preserve_fds = (unsigned)args->preserve_fds,
    };
    *pid = fork_monitor(&setup);
    close(dir.fifo_fd);
    if (console >= 0)
        close(console);
    if (*pid > 0 && record(args, &dir, bundle, bundle_dir, *pid) == 0)
        return 0;
    if (*pid > 0) {
        kill(*pid, SIGKILL);
        waitpid(*pid, NULL, 0);
    }
    oci_state_remove(dir.path);
    return -1;
}

int oci_create_container(const struct oci_global_args *global, const struct oci_args *args,
                         bool in_foreground, pid_t *pid)
{
    char bundle_dir[PATH_MAX];
    struct oci_bundle bundle;
    struct oci_process *process = malloc(sizeof *process);
    if (process == NULL)
        return oci_error("create: out of memory");
    int rc = read_bundle(args, bundle_dir, &bundle, process);
    if (rc == 0) {
        rc = create_from(global, args, in_foreground, &bundle, process, bundle_dir, pid);
        oci_bundle_free(&bundle);
    }
    free(process);
    return rc;
}
