#include "runtime_dir.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/report.h"

#define SELF_EXE "/proc/self/exe"

static int copy_path(char *dir, size_t dir_size, const char *path, size_t len, const char *subdir)
{
    int written = snprintf(dir, dir_size, "%.*s%s", (int)len, path, subdir);
    if (written < 0 || (size_t)written >= dir_size)
        return report("path too long: %s%s", path, subdir);
    return 0;
}

/* $env_var, else subdir next to the kiln binary. */
static int find_beside_kiln(const char *env_var, const char *subdir, const char *what, char *dir,
                            size_t dir_size)
{
    char exe[PATH_MAX];
    const char *from_env = getenv(env_var);
    if (from_env != NULL && *from_env != '\0')
        return copy_path(dir, dir_size, from_env, strlen(from_env), "");
    ssize_t len = readlink(SELF_EXE, exe, sizeof exe - 1);
    if (len < 0)
        return report("cannot find %s: %s: %s (set %s)", what, SELF_EXE, strerror(errno), env_var);
    exe[len] = '\0';
    /* The kernel gives the absolute path, so there is always a slash. */
    const char *slash = strrchr(exe, '/');
    size_t dir_len = slash != NULL ? (size_t)(slash - exe) : 0;
    return copy_path(dir, dir_size, exe, dir_len, subdir);
}

int runtime_dir_find(char *dir, size_t dir_size)
{
    return find_beside_kiln("KILN_RUNTIME_DIR", "/runtime", "the runtime", dir, dir_size);
}

int templates_dir_find(char *dir, size_t dir_size)
{
    return find_beside_kiln("KILN_TEMPLATES_DIR", "/templates", "the templates", dir, dir_size);
}

int serve_program_find(char *path, size_t path_size)
{
    return find_beside_kiln("KILN_SERVE_PROGRAM", "/kiln-serve", "kiln-serve", path, path_size);
}

int vm_program_find(char *path, size_t path_size)
{
    return find_beside_kiln("KILN_VM_PROGRAM", "/kiln-vm", "kiln-vm", path, path_size);
}
