#include "musl_command.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "depfile.h"

/* The most arguments a command adds besides the cflags, ldflags, objects
 * and libs. */
#define FIXED_ARG_COUNT 20

static int alloc_argv(struct musl_command *command, size_t variable_count)
{
    command->capacity = FIXED_ARG_COUNT + variable_count;
    command->argc = 0;
    command->argv = calloc(command->capacity + 1, sizeof *command->argv);
    return command->argv == NULL ? -1 : 0;
}

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

/* On failure, frees what was built so far and keeps errno. */
static int finish(struct musl_command *command, int rc)
{
    if (rc < 0) {
        int saved = errno;
        musl_command_free(command);
        errno = saved;
    }
    return rc;
}

/* What every compile of kiln's gets first: static code at a fixed
 * address, frame pointers (a crash report walks the program's stack), and
 * paths under cwd as "./...". */
static int append_code_flags(struct musl_command *command, const char *cwd)
{
    if (append(command, "%s", MUSL_CC) < 0 || append(command, "-static") < 0 ||
        append(command, "-no-pie") < 0 || append(command, "-fno-omit-frame-pointer") < 0)
        return -1;
    return append(command, "-ffile-prefix-map=%s=.", cwd);
}

/* The default -O2 comes before the user's flags: gcc keeps the last -O. */
static int append_compile(struct musl_command *command, const struct build_options *options,
                          const char *cwd, const char *source, const char *object,
                          const char *depfile)
{
    if (append_code_flags(command, cwd) < 0 || append(command, "-O2") < 0)
        return -1;
    if (append_list(command, "", options->cflags, options->cflag_count) < 0)
        return -1;
    if (append(command, "-c") < 0 || append(command, "%s", source) < 0 ||
        append(command, "-o") < 0 || append(command, "%s", object) < 0 ||
        append(command, "-MD") < 0 || append(command, "-MF") < 0 ||
        append(command, "%s", depfile) < 0 || append(command, "-MT") < 0)
        return -1;
    return append(command, "%s", DEPFILE_TARGET);
}

int musl_command_compile(struct musl_command *command, const struct build_options *options,
                         const char *cwd, size_t index, const char *object, const char *depfile)
{
    if (alloc_argv(command, options->cflag_count) < 0)
        return -1;
    return finish(command,
                  append_compile(command, options, cwd, options->sources[index], object, depfile));
}

int musl_command_pass_through(struct musl_command *command, const char *cwd,
                              const char *const *args, size_t count)
{
    if (alloc_argv(command, count) < 0)
        return -1;
    return finish(command,
                  append_code_flags(command, cwd) < 0 ? -1 : append_list(command, "", args, count));
}

/* The user's ldflags come first, so that -L is searched for every -l and
 * kiln's own settings after them (build ID, page size, the script) win.
 * --whole-archive: the runtime's entry points are only referenced from the
 * linker script and the note, never from the app.  For a Linux program
 * (options->program), the runtime links alone, with no libc and no entry
 * of its own: builder/program_image.c places the program beside it. */
static int append_link(struct musl_command *command, const struct build_options *options,
                       const char *const *objects, const char *files_object, const char *output)
{
    const char *runtime = options->runtime_dir;
    bool alone = options->program != NULL;
    if (append(command, "%s", MUSL_CC) < 0 || append(command, "-static") < 0 ||
        append(command, "-no-pie") < 0 || (alone && append(command, "-nostdlib") < 0))
        return -1;
    if (append_list(command, "", options->ldflags, options->ldflag_count) < 0 ||
        append_list(command, "", objects, options->source_count) < 0)
        return -1;
    if (files_object != NULL && append(command, "%s", files_object) < 0)
        return -1;
    /* Before the script, whose DEFINED() sees only symbols defined so far. */
    if (alone &&
        append(command, "-Wl,--defsym=kiln_image_base=%" PRIu64, options->runtime_base) < 0)
        return -1;
    if (append(command, "-Wl,-T,%s/kiln.ld", runtime) < 0 ||
        append(command, "-Wl,-z,max-page-size=4096") < 0 ||
        append(command, "-Wl,--build-id=none") < 0 ||
        append(command, "-Wl,--defsym=kiln_default_mem=%" PRIu64, options->default_mem) < 0 ||
        append(command, "-Wl,--defsym=kiln_image_flags=0") < 0 ||
        (alone ? append(command, "-Wl,-e,0") : append(command, "%s/ready.o", runtime)) < 0 ||
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

int musl_command_link(struct musl_command *command, const struct build_options *options,
                      const char *const *objects, const char *files_object, const char *output)
{
    if (alloc_argv(command, options->ldflag_count + options->source_count + options->lib_count) < 0)
        return -1;
    return finish(command, append_link(command, options, objects, files_object, output));
}

/* -Xassembler passes the folder whole, where -Wa would split it at commas. */
static int append_assemble(struct musl_command *command, const char *include_dir,
                           const char *source, const char *object)
{
    if (append(command, "%s", MUSL_CC) < 0 || append(command, "-c") < 0 ||
        append(command, "-Xassembler") < 0 || append(command, "-I") < 0 ||
        append(command, "-Xassembler") < 0 || append(command, "%s", include_dir) < 0 ||
        append(command, "%s", source) < 0 || append(command, "-o") < 0)
        return -1;
    return append(command, "%s", object);
}

int musl_command_assemble(struct musl_command *command, const char *include_dir, const char *source,
                          const char *object)
{
    if (alloc_argv(command, 0) < 0)
        return -1;
    return finish(command, append_assemble(command, include_dir, source, object));
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
