#include "inputs.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "musl_command.h"

#define SOURCE_SUFFIX ".c"
/* What execvp searches when PATH is unset. */
#define DEFAULT_PATH "/bin:/usr/bin"

static bool has_suffix(const char *name, const char *suffix)
{
    size_t name_len = strlen(name);
    size_t suffix_len = strlen(suffix);
    return name_len > suffix_len && strcmp(name + name_len - suffix_len, suffix) == 0;
}

static int check_source(const char *source)
{
    struct stat st;
    if (!has_suffix(source, SOURCE_SUFFIX)) {
        fprintf(stderr, "kiln: %s: not a C source file (the name must end in .c)\n", source);
        return -1;
    }
    if (stat(source, &st) < 0) {
        fprintf(stderr, "kiln: %s: cannot read source: %s\n", source, strerror(errno));
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        fprintf(stderr, "kiln: %s: cannot read source: not a regular file\n", source);
        return -1;
    }
    return 0;
}

static int check_runtime_file(const char *runtime_dir, const char *name)
{
    char path[PATH_MAX];
    int len = snprintf(path, sizeof path, "%s/%s", runtime_dir, name);
    if (len < 0 || (size_t)len >= sizeof path || access(path, R_OK) < 0) {
        fprintf(stderr, "kiln: runtime not found: %s/%s (run make)\n", runtime_dir, name);
        return -1;
    }
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

int inputs_check(const struct build_options *options, char *compiler, size_t compiler_size)
{
    if (options->source_count == 0) {
        fprintf(stderr, "kiln: nothing to build: no .c files given\n");
        return -1;
    }
    for (size_t i = 0; i < options->source_count; i++)
        if (check_source(options->sources[i]) < 0)
            return -1;
    if (check_runtime_file(options->runtime_dir, "libkiln.a") < 0 ||
        check_runtime_file(options->runtime_dir, "kiln.ld") < 0)
        return -1;
    if (find_program(MUSL_CC, compiler, compiler_size) != 0) {
        fprintf(stderr, "kiln: %s not found: install musl-tools\n", MUSL_CC);
        return -1;
    }
    return 0;
}
