#include "cache_dir.h"

#include <stdio.h>
#include <stdlib.h>

#include "report.h"

static const char *from_env(const char *name)
{
    const char *value = getenv(name);
    return value != NULL && *value != '\0' ? value : NULL;
}

static int write_dir(char *dir, size_t dir_size, const char *base, const char *under)
{
    int len = snprintf(dir, dir_size, "%s%s", base, under);
    if (len >= 0 && (size_t)len < dir_size)
        return 0;
    return report("cache directory path too long: %s%s", base, under);
}

int cache_dir_find(char *dir, size_t dir_size)
{
    const char *base = from_env("KILN_CACHE_DIR");
    if (base != NULL)
        return write_dir(dir, dir_size, base, "");
    /* The XDG base directory spec ignores a relative $XDG_CACHE_HOME. */
    base = from_env("XDG_CACHE_HOME");
    if (base != NULL && base[0] == '/')
        return write_dir(dir, dir_size, base, "/kiln");
    base = from_env("HOME");
    if (base != NULL)
        return write_dir(dir, dir_size, base, "/.cache/kiln");
    return report("no cache directory: set KILN_CACHE_DIR or HOME");
}
