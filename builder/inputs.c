#include "inputs.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/paths.h"
#include "common/report.h"
#include "musl_command.h"

/* What execvp searches when PATH is unset. */
#define DEFAULT_PATH "/bin:/usr/bin"

static int check_source(const char *source)
{
    struct stat st;
    if (!path_is_source(source))
        return report("%s: not a C source file (the name must end in .c)", source);
    if (stat(source, &st) < 0)
        return report("%s: cannot read source: %s", source, strerror(errno));
    if (!S_ISREG(st.st_mode))
        return report("%s: cannot read source: not a regular file", source);
    return 0;
}

static int check_runtime_file(const char *runtime_dir, const char *name)
{
    char path[PATH_MAX];
    if (path_join(path, sizeof path, runtime_dir, name) != 0 || access(path, R_OK) < 0)
        return report("runtime not found: %s/%s (run make)", runtime_dir, name);
    return 0;
}

static bool is_executable_in(const char *dir, size_t dir_len, const char *name, char *path,
                             size_t path_size)
{
    if (dir_len == 0) { /* an empty PATH entry means the current directory */
        dir = ".";
        dir_len = 1;
    }
    int len = snprintf(path, path_size, "%.*s/%s", (int)dir_len, dir, name);
    return len > 0 && (size_t)len < path_size && access(path, X_OK) == 0;
}

/* Searches PATH as execvp does. */
static int find_program(const char *name, char *path, size_t path_size)
{
    const char *dirs = getenv("PATH");
    if (dirs == NULL)
        dirs = DEFAULT_PATH;
    for (;;) {
        const char *end = strchrnul(dirs, ':');
        if (is_executable_in(dirs, (size_t)(end - dirs), name, path, path_size))
            return 0;
        if (*end == '\0')
            return -1;
        dirs = end + 1;
    }
}

int inputs_check_tools(const char *runtime_dir, char *compiler, size_t compiler_size)
{
    if (check_runtime_file(runtime_dir, "libkiln.a") < 0 ||
        check_runtime_file(runtime_dir, "ready.o") < 0 ||
        check_runtime_file(runtime_dir, "kiln.ld") < 0)
        return -1;
    if (find_program(MUSL_CC, compiler, compiler_size) != 0)
        return report("%s not found: install musl-tools", MUSL_CC);
    return 0;
}

int inputs_check(const struct build_options *options, char *compiler, size_t compiler_size)
{
    if (options->program != NULL)
        return inputs_check_tools(options->runtime_dir, compiler, compiler_size);
    if (options->source_count == 0)
        return report("nothing to build: no .c files given");
    for (size_t i = 0; i < options->source_count; i++)
        if (check_source(options->sources[i]) < 0)
            return -1;
    return inputs_check_tools(options->runtime_dir, compiler, compiler_size);
}
