#include "guest_path.h"

#include <string.h>

struct joined {
    char *path; /* KILN_PATH_MAX bytes */
    size_t len;
};

static bool is_here(const char *component, size_t len)
{
    return len == 0 || (len == 1 && component[0] == '.');
}

static int append(struct joined *joined, const char *component, size_t len, const char **why)
{
    if (len == 2 && component[0] == '.' && component[1] == '.') {
        *why = "a \"..\" component, which could leave the guest folder";
        return -1;
    }
    if (len > KILN_FILES_NAME_MAX) {
        *why = "a name longer than 255 bytes";
        return -1;
    }
    if (joined->len + 1 + len > GUEST_PATH_LEN_MAX) {
        *why = "a path longer than 4095 bytes";
        return -1;
    }
    joined->path[joined->len++] = '/';
    memcpy(joined->path + joined->len, component, len);
    joined->len += len;
    return 0;
}

static int append_all(struct joined *joined, const char *text, const char **why)
{
    while (*text != '\0') {
        size_t len = strcspn(text, "/");
        if (!is_here(text, len) && append(joined, text, len, why) != 0)
            return -1;
        text += len + (text[len] == '/');
    }
    return 0;
}

int guest_path_join(char path[KILN_PATH_MAX], const char *dir, const char *name, const char **why)
{
    struct joined joined = {path, 0};
    if (dir[0] != '/') {
        *why = "the guest folder is not absolute";
        return -1;
    }
    if (name[0] == '/') {
        *why = "an absolute name";
        return -1;
    }
    if (append_all(&joined, dir, why) != 0 || append_all(&joined, name, why) != 0)
        return -1;
    if (joined.len == 0)
        path[joined.len++] = '/';
    path[joined.len] = '\0';
    return 0;
}

bool guest_path_is_here(const char *name)
{
    while (*name != '\0') {
        size_t len = strcspn(name, "/");
        if (!is_here(name, len))
            return false;
        name += len + (name[len] == '/');
    }
    return true;
}
