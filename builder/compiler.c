#include "compiler.h"

#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h> /* environ */

static void print_command(const struct musl_command *command)
{
    for (size_t i = 0; i < command->argc; i++)
        fprintf(stderr, "%s%s", i == 0 ? "" : " ", command->argv[i]);
    fputc('\n', stderr);
}

static int wait_for(pid_t pid, const char *name)
{
    int status;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            fprintf(stderr, "kiln: build failed: waiting for %s: %s\n", name, strerror(errno));
            return -1;
        }
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return 0;
    if (WIFEXITED(status))
        fprintf(stderr, "kiln: build failed: %s exited with status %d\n", name,
                WEXITSTATUS(status));
    else
        fprintf(stderr, "kiln: build failed: %s killed by signal %d (%s)\n", name, WTERMSIG(status),
                strsignal(WTERMSIG(status)));
    return -1;
}

int compiler_run(const struct musl_command *command, bool verbose)
{
    const char *name = command->argv[0];
    pid_t pid;
    if (verbose)
        print_command(command);
    /* Whatever kiln buffered must not come out after the compiler's lines. */
    fflush(stdout);
    fflush(stderr);
    int err = posix_spawnp(&pid, name, NULL, NULL, command->argv, environ);
    if (err != 0) {
        fprintf(stderr, "kiln: build failed: cannot start %s: %s\n", name, strerror(err));
        return -1;
    }
    return wait_for(pid, name);
}
