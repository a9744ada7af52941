#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <kiln/abi.h>

#include "build.h"
#include "commands.h"
#include "exit_codes.h"
#include "help.h"
#include "monitor.h"
#include "names.h"
#include "options.h"

#define DEFAULT_TMPDIR "/tmp"

/* Opens the image at path and removes its name: nothing is left behind
 * whatever becomes of kiln, and nothing is left to do after a confined run,
 * which could not unlink.  path becomes the open file's name in /proc;
 * returns the descriptor, or -1 after reporting. */
static int open_unlinked(char *path, size_t path_size)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        fprintf(stderr, "kiln: run: cannot open the temporary image %s: %s\n", path,
                strerror(errno));
    unlink(path);
    if (fd >= 0)
        snprintf(path, path_size, "/proc/self/fd/%d", fd);
    return fd;
}

/* Builds the sources into an unlinked temporary image (open_unlinked). */
static int build_temp_image(const struct run_args *args, char *path, size_t path_size)
{
    const char *tmpdir = getenv("TMPDIR");
    if (tmpdir == NULL || *tmpdir == '\0')
        tmpdir = DEFAULT_TMPDIR;
    int len = snprintf(path, path_size, "%s/kiln-run-XXXXXX", tmpdir);
    if (len < 0 || (size_t)len >= path_size) {
        fprintf(stderr, "kiln: run: TMPDIR too long: %s\n", tmpdir);
        return -1;
    }
    int fd = mkstemp(path);
    if (fd < 0) {
        fprintf(stderr, "kiln: run: cannot create a temporary image in %s: %s\n", tmpdir,
                strerror(errno));
        return -1;
    }
    close(fd);
    if (build_image(&args->compile, path, KILN_MEM_DEFAULT) < 0) {
        unlink(path);
        return -1;
    }
    return open_unlinked(path, path_size);
}

/* The guest's argv: its name, then what followed "--". */
static char **program_argv(const struct run_args *args, const char *named_after)
{
    char **argv = calloc(args->program_arg_count + 2, sizeof *argv);
    if (argv == NULL)
        return NULL;
    argv[0] = names_program(named_after);
    if (argv[0] == NULL) {
        free(argv);
        return NULL;
    }
    memcpy(argv + 1, args->program_args, args->program_arg_count * sizeof *argv);
    return argv;
}

static int run_image(const struct run_args *args, const char *image, const char *named_after)
{
    char **argv = program_argv(args, named_after);
    if (argv == NULL) {
        fprintf(stderr, "kiln: run: out of memory\n");
        return EXIT_CANNOT_RUN;
    }
    struct monitor_options options = {
        .image_path = image,
        .name = named_after,
        .mem_size = args->mem_size,
        .timeout_ms = args->timeout_ms,
        .argc = (int)args->program_arg_count + 1,
        .argv = argv,
        /* monitor.h's type, as for execve; the monitor only reads them. */
        .envp = (char *const *)args->env,
        .confine = true,
    };
    struct monitor_result result = monitor_run(&options);
    free(argv[0]);
    free(argv);
    return exit_code_of_run(result);
}

static int run_from(const struct run_args *args)
{
    char temp[PATH_MAX];
    if (args->image != NULL)
        return run_image(args, args->image, args->image);
    int fd = build_temp_image(args, temp, sizeof temp);
    if (fd < 0)
        return EXIT_CANNOT_RUN;
    int code = run_image(args, temp, args->compile.sources[0]);
    close(fd);
    return code;
}

int cmd_run(int argc, char **argv)
{
    struct run_args args;
    char error[OPTIONS_ERROR_SIZE];
    if (options_parse_run(argc, argv, &args, error, sizeof error) < 0) {
        fprintf(stderr, "kiln: run: %s\n", error);
        return EXIT_CANNOT_RUN;
    }
    int code = args.help ? help_print("run", stdout) : run_from(&args);
    options_free_run(&args);
    return code;
}
