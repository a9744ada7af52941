#include "run_image.h"

#include <stdlib.h>
#include <string.h>

#include "common/report.h"
#include "names.h"
#include "volume_options.h"

/* The guest's argv: its name, then what followed "--". */
static char **program_argv(const struct run_args *args, const struct run_target *target)
{
    char **argv = calloc(args->program_arg_count + 2, sizeof *argv);
    if (argv == NULL)
        return NULL;
    argv[0] = names_argv0(target->named_after, target->linux_program);
    if (argv[0] == NULL) {
        free(argv);
        return NULL;
    }
    memcpy(argv + 1, args->program_args, args->program_arg_count * sizeof *argv);
    return argv;
}

struct monitor_result run_image(const struct run_args *args, const struct run_target *target,
                                const char *cache_dir)
{
    char **argv = program_argv(args, target);
    if (argv == NULL) {
        report("run: out of memory");
        return (struct monitor_result){.outcome = MONITOR_FAILED};
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
        .gdb_host = args->gdb_host[0] != '\0' ? args->gdb_host : NULL,
        .gdb_port = args->gdb_port,
        .core_dir = args->core_dir,
        .forward_signals = target->program_signals,
    };
    struct monitor_result result = monitor_run(&options);
    free(argv[0]);
    free(argv);
    return result;
}
