#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "build.h"
#include "builder/builder.h"
#include "commands.h"
#include "common/cache_dir.h"
#include "common/report.h"
#include "exit_codes.h"
#include "help.h"
#include "monitor/monitor.h"
#include "names.h"
#include "options.h"
#include "volume_options.h"

/* The guest's argv: its name, then what followed "--". */
static char **program_argv(const struct run_args *args, const char *named_after)
{
    char **argv = calloc(args->program_arg_count + 2, sizeof *argv);
    if (argv == NULL)
        return NULL;
    argv[0] = names_argv0(named_after, args->compile.program != NULL);
    if (argv[0] == NULL) {
        free(argv);
        return NULL;
    }
    memcpy(argv + 1, args->program_args, args->program_arg_count * sizeof *argv);
    return argv;
}

/* What the monitor boots: an image file, and its hash when kiln knows it. */
struct run_target {
    const char *path;
    const struct content_hash *hash;
    const char *named_after; /* the guest's argv[0] and the name in messages */
};

static int run_image(const struct run_args *args, const struct run_target *target,
                     const char *cache_dir)
{
    char **argv = program_argv(args, target->named_after);
    if (argv == NULL) {
        report("run: out of memory");
        return EXIT_CANNOT_RUN;
    }
    struct monitor_options options = {
        .image_path = target->path,
        .name = target->named_after,
        .mem_size = args->mem_size,
        .timeout_ms = args->timeout_ms,
        .argc = (int)args->program_arg_count + 1,
        .argv = argv,
        /* monitor.h's type, as for execve; the monitor only reads them. */
        .envp = (char *const *)args->env,
        .trace_boot = args->trace_boot,
        .strace = args->strace,
        .cache_dir = cache_dir,
        .image_hash = target->hash,
        .verbose = args->compile.verbose,
        .confine = true,
        .volumes = args->volumes->list,
        .volume_count = (unsigned)args->volumes->count,
        .workdir = args->volumes->workdir[0] != '\0' ? args->volumes->workdir : NULL,
    };
    struct monitor_result result = monitor_run(&options);
    free(argv[0]);
    free(argv);
    return exit_code_of_run(result);
}

/* An image runs as it is; a Linux program or .c files go through the
 * build cache first. */
static int run_from(struct run_args *args)
{
    char cache_dir[PATH_MAX];
    struct built_image image;
    bool cached = cache_dir_find(cache_dir, sizeof cache_dir) == 0;
    if (args->image != NULL && builder_is_program(args->image)) {
        args->compile.program = args->image;
        args->image = NULL;
    }
    if (args->image != NULL && args->compile.files_count > 0) {
        report("run: --files goes with .c files and programs: an image holds the files it was "
               "built with");
        return EXIT_CANNOT_RUN;
    }
    /* An image runs without a cache folder too, only without the boot cache. */
    if (args->image != NULL)
        return run_image(args, &(struct run_target){args->image, NULL, args->image},
                         cached ? cache_dir : NULL);
    const char *named_after =
        args->compile.program != NULL ? args->compile.program : args->compile.sources[0];
    if (!cached || build_cached_image(&args->compile, cache_dir, &image) < 0)
        return EXIT_CANNOT_RUN;
    return run_image(args, &(struct run_target){image.path, &image.hash, named_after}, cache_dir);
}

int cmd_run(int argc, char **argv)
{
    struct run_args args;
    char error[OPTIONS_ERROR_SIZE];
    if (options_parse_run(argc, argv, &args, error, sizeof error) < 0) {
        report("run: %s", error);
        return EXIT_CANNOT_RUN;
    }
    int code = args.help ? help_print("run", stdout) : run_from(&args);
    options_free_run(&args);
    return code;
}
