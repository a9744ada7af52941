#include "runtime_dir.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SELF_EXE "/proc/self/exe"

static int copy_path(char *dir, size_t dir_size, const char *path, size_t len, const char *subdir)
{
    int written = snprintf(dir, dir_size, "%.*s%s", (int)len, path, subdir);
    if (written < 0 || (size_t)written >= dir_size) {
        fprintf(stderr, "kiln: runtime directory path too long: %s\n", path);
        return -1;
    }
    return 0;
}

int runtime_dir_find(char *dir, size_t dir_size)
{
    char exe[PATH_MAX];
    const char *from_env = getenv("KILN_RUNTIME_DIR");
    if (from_env != NULL && *from_env != '\0')
        return copy_path(dir, dir_size, from_env, strlen(from_env), "");
    ssize_t len = readlink(SELF_EXE, exe, sizeof exe - 1);
    if (len < 0) {
        fprintf(stderr, "kiln: cannot find the runtime: %s: %s (set KILN_RUNTIME_DIR)\n", SELF_EXE,
                strerror(errno));
        return -1;
    }
    exe[len] = '\0';
    /* The kernel gives the absolute path, so there is always a slash. */
    const char *slash = strrchr(exe, '/');
    size_t dir_len = slash != NULL ? (size_t)(slash - exe) : 0;
    return copy_path(dir, dir_size, exe, dir_len, "/runtime");
}
