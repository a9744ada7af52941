/*
 * builder_build: check the inputs, compile and link into a temporary file
 * next to the output, then rename it into place, so that a failed or
 * interrupted build never leaves a half-written image behind.
 */
#include "builder.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "compiler.h"
#include "inputs.h"
#include "musl_command.h"

#define TEMP_SUFFIX   ".tmp-XXXXXX"
#define NEW_FILE_MODE 0666

static int create_temp(const char *output, char *temp, size_t temp_size)
{
    int len = snprintf(temp, temp_size, "%s%s", output, TEMP_SUFFIX);
    if (len < 0 || (size_t)len >= temp_size) {
        fprintf(stderr, "kiln: %s: path too long\n", output);
        return -1;
    }
    int fd = mkstemp(temp);
    if (fd < 0) {
        fprintf(stderr, "kiln: %s: cannot create a temporary file next to it: %s\n", output,
                strerror(errno));
        return -1;
    }
    /* mkstemp's 0600 would stay: the linker keeps an existing file's mode. */
    mode_t umask_bits = umask(0);
    umask(umask_bits);
    int result = fchmod(fd, NEW_FILE_MODE & ~umask_bits);
    if (result < 0) {
        fprintf(stderr, "kiln: %s: cannot set the mode of %s: %s\n", output, temp, strerror(errno));
        unlink(temp);
    }
    close(fd);
    return result;
}

static int compile_to(const struct build_options *options, const char *temp)
{
    char cwd[PATH_MAX];
    struct musl_command command;
    if (getcwd(cwd, sizeof cwd) == NULL) {
        fprintf(stderr, "kiln: build failed: cannot get the current directory: %s\n",
                strerror(errno));
        return -1;
    }
    if (musl_command_init(&command, options, cwd, temp) < 0) {
        fprintf(stderr, "kiln: build failed: %s\n", strerror(errno));
        return -1;
    }
    int result = compiler_run(&command, options->verbose);
    musl_command_free(&command);
    return result;
}

int builder_build(const struct build_options *options)
{
    char temp[PATH_MAX];
    if (inputs_check(options) < 0 || create_temp(options->output, temp, sizeof temp) < 0)
        return -1;
    if (compile_to(options, temp) < 0) {
        unlink(temp);
        return -1;
    }
    if (rename(temp, options->output) < 0) {
        fprintf(stderr, "kiln: %s: cannot write the image: %s\n", options->output, strerror(errno));
        unlink(temp);
        return -1;
    }
    return 0;
}
