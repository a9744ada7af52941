#include "names.h"

#include <stdio.h>
#include <string.h>

#include "common/paths.h"

/* The last component of path, without suffix when it ends in it. */
static void stem(const char *path, const char *suffix, const char **start, size_t *len)
{
    const char *slash = strrchr(path, '/');
    size_t suffix_len = strlen(suffix);
    *start = slash != NULL && slash[1] != '\0' ? slash + 1 : path;
    *len = strlen(*start);
    if (*len > suffix_len && strcmp(*start + *len - suffix_len, suffix) == 0)
        *len -= suffix_len;
}

char *names_image_for(const char *source)
{
    const char *start;
    size_t len;
    char *image;
    stem(source, PATH_SOURCE_SUFFIX, &start, &len);
    if (asprintf(&image, "%.*s%s", (int)len, start, PATH_IMAGE_SUFFIX) < 0)
        return NULL;
    return image;
}

char *names_program(const char *path)
{
    const char *start;
    size_t len;
    stem(path, PATH_IMAGE_SUFFIX, &start, &len);
    if (len == strlen(start))
        stem(path, PATH_SOURCE_SUFFIX, &start, &len);
    return strndup(start, len);
}

char *names_argv0(const char *path, bool is_linux_program)
{
    return is_linux_program ? strdup(path) : names_program(path);
}
