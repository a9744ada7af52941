#include "paths.h"

#include <stdio.h>
#include <string.h>

bool path_has_suffix(const char *name, const char *suffix)
{
    size_t name_len = strlen(name);
    size_t suffix_len = strlen(suffix);
    return name_len > suffix_len && strcmp(name + name_len - suffix_len, suffix) == 0;
}

bool path_is_source(const char *path)
{
    return path_has_suffix(path, PATH_SOURCE_SUFFIX);
}

int path_join(char *path, size_t path_size, const char *dir, const char *name)
{
    int len = snprintf(path, path_size, "%s/%s", dir, name);
    return len >= 0 && (size_t)len < path_size ? 0 : -1;
}
