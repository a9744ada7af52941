#include "library_search.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "common/report.h"

/* 1 when dir/file is a file, 0 when not, -1 when the name is too long. */
static int find_in(const char *dir, const char *name, char *path, size_t path_size)
{
    struct stat st;
    int len = name[0] == ':' ? snprintf(path, path_size, "%s/%s", dir, name + 1)
                             : snprintf(path, path_size, "%s/lib%s.a", dir, name);
    if (len < 0 || (size_t)len >= path_size)
        return report("-L %s: -l %s: path too long", dir, name);
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

int library_search(const struct build_options *options, const char *name, char *path,
                   size_t path_size)
{
    for (size_t i = 0; i + 1 < options->ldflag_count; i++) {
        if (strcmp(options->ldflags[i], "-L") != 0)
            continue;
        int found = find_in(options->ldflags[++i], name, path, path_size);
        if (found != 0)
            return found;
    }
    return 0;
}
