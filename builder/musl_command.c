#include "musl_command.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

/* Arguments besides the cflags, sources and libs. */
#define FIXED_ARG_COUNT 16

static int append(struct musl_command *command, const char *fmt, ...)
{
    if (command->argc == command->capacity) {
        errno = E2BIG;
        return -1;
    }
    va_list ap;
    va_start(ap, fmt);
    int written = vasprintf(&command->argv[command->argc], fmt, ap);
    va_end(ap);
    if (written < 0) {
        command->argv[command->argc] = NULL;
        return -1;
    }
    command->argc++;
    return 0;
}

static int append_list(struct musl_command *command, const char *prefix, const char *const *items,
                       size_t count)
{
    for (size_t i = 0; i < count; i++)
        if (append(command, "%s%s", prefix, items[i]) < 0)
            return -1;
    return 0;
}

/* The default -O2 comes before the user's flags: gcc keeps the last -O.
 * Frame pointers let a crash report walk the program's stack. */
static int append_compile(struct musl_command *command, const struct build_options *options,
                          const char *cwd)
{
    if (append(command, "%s", MUSL_CC) < 0 || append(command, "-static") < 0 ||
        append(command, "-no-pie") < 0 || append(command, "-O2") < 0 ||
        append(command, "-fno-omit-frame-pointer") < 0 ||
        append(command, "-ffile-prefix-map=%s=.", cwd) < 0)
        return -1;
    if (append_list(command, "", options->cflags, options->cflag_count) < 0)
        return -1;
    return append_list(command, "", options->sources, options->source_count);
}

/* --whole-archive: the runtime's entry points are only referenced from the
 * linker script and the note, never from the app. */
static int append_link(struct musl_command *command, const struct build_options *options,
                       const char *output)
{
    const char *runtime = options->runtime_dir;
    if (append(command, "-Wl,-T,%s/kiln.ld", runtime) < 0 ||
        append(command, "-Wl,-z,max-page-size=4096") < 0 ||
        append(command, "-Wl,--build-id=none") < 0 ||
        append(command, "-Wl,--defsym=kiln_default_mem=%" PRIu64, options->default_mem) < 0 ||
        append(command, "-Wl,--defsym=kiln_image_flags=0") < 0 ||
        append(command, "-Wl,--whole-archive") < 0 ||
        append(command, "%s/libkiln.a", runtime) < 0 ||
        append(command, "-Wl,--no-whole-archive") < 0)
        return -1;
    if (append_list(command, "-l", options->libs, options->lib_count) < 0)
        return -1;
    if (append(command, "-o") < 0)
        return -1;
    return append(command, "%s", output);
}

int musl_command_init(struct musl_command *command, const struct build_options *options,
                      const char *cwd, const char *output)
{
    command->capacity =
        FIXED_ARG_COUNT + options->cflag_count + options->source_count + options->lib_count;
    command->argc = 0;
    command->argv = calloc(command->capacity + 1, sizeof *command->argv);
    if (command->argv == NULL)
        return -1;
    if (append_compile(command, options, cwd) < 0 || append_link(command, options, output) < 0) {
        int saved = errno;
        musl_command_free(command);
        errno = saved;
        return -1;
    }
    return 0;
}

void musl_command_free(struct musl_command *command)
{
    for (size_t i = 0; i < command->argc; i++)
        free(command->argv[i]);
    free(command->argv);
    command->argv = NULL;
    command->argc = 0;
    command->capacity = 0;
}
