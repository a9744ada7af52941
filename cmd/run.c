#include <limits.h>
#include <stdio.h>

#include "build.h"
#include "builder/builder.h"
#include "commands.h"
#include "common/cache_dir.h"
#include "common/report.h"
#include "exit_codes.h"
#include "help.h"
#include "options.h"
#include "run_image.h"

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
        return exit_code_of_run(
            run_image(args, &(struct run_target){args->image, NULL, args->image, false, true},
                      cached ? cache_dir : NULL));
    const char *named_after =
        args->compile.program != NULL ? args->compile.program : args->compile.sources[0];
    if (!cached || build_cached_image(&args->compile, cache_dir, &image) < 0)
        return EXIT_CANNOT_RUN;
    struct run_target target = {image.path, &image.hash, named_after, args->compile.program != NULL,
                                true};
    return exit_code_of_run(run_image(args, &target, cache_dir));
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
