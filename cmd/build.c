#include "build.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

#include <kiln/abi.h>

#include "builder/builder.h"
#include "commands.h"
#include "common/cache_dir.h"
#include "common/report.h"
#include "exit_codes.h"
#include "help.h"
#include "names.h"
#include "runtime_dir.h"

/* The options of a build, and the runtime folder they point into. */
struct build_setup {
    char runtime_dir[PATH_MAX];
    struct build_options options;
};

static int set_up(struct build_setup *setup, const struct compile_args *compile, const char *output,
                  uint64_t default_mem)
{
    if (runtime_dir_find(setup->runtime_dir, sizeof setup->runtime_dir) < 0)
        return -1;
    setup->options = (struct build_options){
        .sources = compile->sources,
        .source_count = compile->source_count,
        .program = compile->program,
        .cflags = compile->cflags,
        .cflag_count = compile->cflag_count,
        .ldflags = compile->ldflags,
        .ldflag_count = compile->ldflag_count,
        .libs = compile->libs,
        .lib_count = compile->lib_count,
        .files = compile->files,
        .files_count = compile->files_count,
        .default_mem = default_mem,
        .output = output,
        .runtime_dir = setup->runtime_dir,
        .verbose = compile->verbose,
    };
    return 0;
}

static int cached_image(const struct compile_args *compile, const char *cache_dir,
                        const struct content_hash *runtime_hash, bool build,
                        struct built_image *image)
{
    struct build_setup setup;
    if (set_up(&setup, compile, NULL,
               compile->program != NULL ? PROGRAM_MEM_DEFAULT : KILN_MEM_DEFAULT) < 0)
        return -1;
    setup.options.cache_dir = cache_dir;
    setup.options.runtime_hash = runtime_hash;
    return build ? builder_build_cached(&setup.options, image)
                 : builder_find_cached(&setup.options, image);
}

int build_cached_image(const struct compile_args *compile, const char *cache_dir,
                       struct built_image *image)
{
    return cached_image(compile, cache_dir, NULL, true, image);
}

int find_cached_image(const struct compile_args *compile, const char *cache_dir,
                      const struct content_hash *runtime_hash, struct built_image *image)
{
    return cached_image(compile, cache_dir, runtime_hash, false, image);
}

static int build_image(const struct compile_args *compile, const char *output, uint64_t default_mem)
{
    struct build_setup setup;
    char cache_dir[PATH_MAX];
    if (set_up(&setup, compile, output, default_mem) < 0 ||
        cache_dir_find(cache_dir, sizeof cache_dir) < 0)
        return -1;
    setup.options.cache_dir = cache_dir;
    return builder_build(&setup.options);
}

static int build_from(const struct build_args *args)
{
    char *default_output = NULL;
    const char *output = args->output;
    const char *named_after =
        args->compile.program != NULL ? args->compile.program : args->compile.sources[0];
    uint64_t default_mem =
        args->compile.program != NULL && !args->mem_given ? PROGRAM_MEM_DEFAULT : args->default_mem;
    if (output == NULL) {
        default_output = names_image_for(named_after);
        if (default_output == NULL) {
            report("build: out of memory");
            return EXIT_BUILD_FAILED;
        }
        output = default_output;
    }
    int code = build_image(&args->compile, output, default_mem) < 0 ? EXIT_BUILD_FAILED : 0;
    free(default_output);
    return code;
}

int cmd_build(int argc, char **argv)
{
    struct build_args args;
    char error[OPTIONS_ERROR_SIZE];
    if (options_parse_build(argc, argv, &args, error, sizeof error) < 0) {
        report("build: %s", error);
        return EXIT_USAGE;
    }
    int code = args.help ? help_print("build", stdout) : build_from(&args);
    options_free_build(&args);
    return code;
}
