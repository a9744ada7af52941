#include "compiler.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h> /* environ */

#include "common/file_io.h"
#include "common/report.h"
#include "undefined_symbols.h"

/* Enough of the linker's messages to name the symbols it missed. */
#define LINKER_MESSAGES_KEPT (64 * 1024)

static void print_command(const struct musl_command *command)
{
    for (size_t i = 0; i < command->argc; i++)
        fprintf(stderr, "%s%s", i == 0 ? "" : " ", command->argv[i]);
    fputc('\n', stderr);
}

static int wait_for(pid_t pid, const char *name)
{
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return report("build failed: waiting for %s: %s", name, strerror(errno));
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return 0;
    if (WIFEXITED(status))
        return report("build failed: %s exited with status %d", name, WEXITSTATUS(status));
    return report("build failed: %s killed by signal %d (%s)", name, WTERMSIG(status),
                  strsignal(WTERMSIG(status)));
}

static int spawn(pid_t *pid, char *const *argv, const posix_spawn_file_actions_t *actions)
{
    /* Whatever kiln buffered must not come out after the compiler's lines. */
    fflush(stdout);
    fflush(stderr);
    int err = posix_spawnp(pid, argv[0], actions, NULL, argv, environ);
    if (err != 0)
        return report("build failed: cannot start %s: %s", argv[0], strerror(err));
    return 0;
}

int compiler_run(const struct musl_command *command, bool verbose)
{
    pid_t pid;
    if (verbose)
        print_command(command);
    if (spawn(&pid, command->argv, NULL) != 0)
        return -1;
    return wait_for(pid, command->argv[0]);
}

/* Keeps the first out_size - 1 bytes and reads on to the end, so that the
 * child never blocks on a full pipe. */
static void read_output(int fd, char *out, size_t out_size)
{
    size_t len = 0;
    char discard[256];
    for (;;) {
        bool full = len + 1 >= out_size;
        ssize_t got =
            read(fd, full ? discard : out + len, full ? sizeof discard : out_size - 1 - len);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            break;
        if (!full)
            len += (size_t)got;
    }
    out[len] = '\0';
}

/* Copies what comes from fd to stderr, keeping the first err_size - 1
 * bytes in err; reads to the end, so that the child never blocks. */
static void copy_keeping(int fd, char *err, size_t err_size)
{
    size_t len = 0;
    char chunk[4096];
    for (;;) {
        ssize_t got = read(fd, chunk, sizeof chunk);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            break;
        /* The user sees the compiler's messages even when kiln cannot. */
        (void)write_all(STDERR_FILENO, chunk, (size_t)got);
        size_t kept = len + 1 < err_size ? err_size - 1 - len : 0;
        if (kept > (size_t)got)
            kept = (size_t)got;
        memcpy(err + len, chunk, kept);
        len += kept;
    }
    err[len] = '\0';
}

/* compiler_run, with what the command prints on stderr copied to kiln's
 * stderr as it comes and kept in err too, NUL-terminated and cut to
 * err_size - 1 bytes. */
static int run_keeping_stderr(const struct musl_command *command, bool verbose, char *err,
                              size_t err_size)
{
    int pipe_fds[2];
    err[0] = '\0';
    if (verbose)
        print_command(command);
    if (pipe2(pipe_fds, O_CLOEXEC) != 0)
        return report("build failed: cannot run %s: %s", command->argv[0], strerror(errno));
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDERR_FILENO);
    pid_t pid;
    int rc = spawn(&pid, command->argv, &actions);
    posix_spawn_file_actions_destroy(&actions);
    close(pipe_fds[1]);
    if (rc == 0) {
        copy_keeping(pipe_fds[0], err, err_size);
        rc = wait_for(pid, command->argv[0]);
    }
    close(pipe_fds[0]);
    return rc;
}

int compiler_run_link(const struct musl_command *command, bool verbose)
{
    char *messages = malloc(LINKER_MESSAGES_KEPT);
    if (messages == NULL)
        return report("build failed: %s", strerror(ENOMEM));
    int rc = run_keeping_stderr(command, verbose, messages, LINKER_MESSAGES_KEPT);
    if (rc != 0)
        undefined_symbols_report(messages);
    free(messages);
    return rc;
}

int compiler_output(char *const *argv, char *out, size_t out_size)
{
    int pipe_fds[2];
    if (pipe2(pipe_fds, O_CLOEXEC) != 0)
        return report("build failed: cannot run %s: %s", argv[0], strerror(errno));
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);
    pid_t pid;
    int rc = spawn(&pid, argv, &actions);
    posix_spawn_file_actions_destroy(&actions);
    close(pipe_fds[1]);
    if (rc == 0) {
        read_output(pipe_fds[0], out, out_size);
        rc = wait_for(pid, argv[0]);
    }
    close(pipe_fds[0]);
    return rc;
}
