#include "build.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <kiln/abi.h>

#include "builder.h"
#include "commands.h"
#include "exit_codes.h"
#include "help.h"
#include "names.h"
#include "runtime_dir.h"

#define DEFAULT_TMPDIR "/tmp"

int build_image(const struct compile_args *compile, const char *output, uint64_t default_mem)
{
    char runtime_dir[PATH_MAX];
    if (runtime_dir_find(runtime_dir, sizeof runtime_dir) < 0)
        return -1;
    struct build_options options = {
        .sources = compile->sources,
        .source_count = compile->source_count,
        .cflags = compile->cflags,
        .cflag_count = compile->cflag_count,
        .libs = compile->libs,
        .lib_count = compile->lib_count,
        .default_mem = default_mem,
        .output = output,
        .runtime_dir = runtime_dir,
        .verbose = compile->verbose,
    };
    return builder_build(&options);
}

int build_temp_image(const struct compile_args *compile, const char *command, char *path,
                     size_t path_size)
{
    const char *tmpdir = getenv("TMPDIR");
    if (tmpdir == NULL || *tmpdir == '\0')
        tmpdir = DEFAULT_TMPDIR;
    int len = snprintf(path, path_size, "%s/kiln-%s-XXXXXX", tmpdir, command);
    if (len < 0 || (size_t)len >= path_size) {
        fprintf(stderr, "kiln: %s: TMPDIR too long: %s\n", command, tmpdir);
        return -1;
    }
    int fd = mkstemp(path);
    if (fd < 0) {
        fprintf(stderr, "kiln: %s: cannot create a temporary image in %s: %s\n", command, tmpdir,
                strerror(errno));
        return -1;
    }
    close(fd);
    if (build_image(compile, path, KILN_MEM_DEFAULT) < 0) {
        unlink(path);
        return -1;
    }
    return 0;
}

static int build_from(const struct build_args *args)
{
    char *default_output = NULL;
    const char *output = args->output;
    if (output == NULL) {
        default_output = names_image_for(args->compile.sources[0]);
        if (default_output == NULL) {
            fprintf(stderr, "kiln: build: out of memory\n");
            return EXIT_BUILD_FAILED;
        }
        output = default_output;
    }
    int code = build_image(&args->compile, output, args->default_mem) < 0 ? EXIT_BUILD_FAILED : 0;
    free(default_output);
    return code;
}

int cmd_build(int argc, char **argv)
{
    struct build_args args;
    char error[OPTIONS_ERROR_SIZE];
    if (options_parse_build(argc, argv, &args, error, sizeof error) < 0) {
        fprintf(stderr, "kiln: build: %s\n", error);
        return EXIT_USAGE;
    }
    int code = args.help ? help_print("build", stdout) : build_from(&args);
    options_free_build(&args);
    return code;
}
