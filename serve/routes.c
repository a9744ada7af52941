#include "routes.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int refuse(char *error, size_t error_size, const char *spec, const char *why)
{
    snprintf(error, error_size, "\"%s\" %s", spec, why);
    return -1;
}

int route_parse(const char *spec, struct route *route, char *error, size_t error_size)
{
    *route = (struct route){0};
    const char *equals = strchr(spec, '=');
    if (spec[0] != '/' || equals == NULL)
        return refuse(error, error_size, spec, "is not /PATH=IMAGE.kiln or /PATH=APP.c");
    if (equals[1] == '\0')
        return refuse(error, error_size, spec, "names no image or .c file after '='");
    route->copy = strdup(spec);
    if (route->copy == NULL)
        return refuse(error, error_size, spec, "could not be copied: out of memory");
    char *path_end = route->copy + (equals - spec);
    *path_end = '\0';
    while (path_end > route->copy && path_end[-1] == '/')
        *--path_end = '\0';
    route->prefix = route->copy;
    route->target = route->copy + (equals - spec) + 1;
    return 0;
}

void route_free(struct route *route)
{
    free(route->copy);
    free(route->built);
    free(route->program);
    *route = (struct route){0};
}

const char *route_name(const struct route *route)
{
    return *route->prefix ? route->prefix : "/";
}

/* "/a" matches "/a" and "/a/b", never "/ab". */
static bool matches(const char *prefix, size_t len, const char *path)
{
    return strncmp(path, prefix, len) == 0 && (path[len] == '\0' || path[len] == '/');
}

const struct route *routes_match(const struct route *routes, size_t count, const char *path,
                                 const char **path_info)
{
    const struct route *best = NULL;
    size_t best_len = 0;
    for (size_t i = 0; i < count; i++) {
        size_t len = strlen(routes[i].prefix);
        if ((best == NULL || len > best_len) && matches(routes[i].prefix, len, path)) {
            best = &routes[i];
            best_len = len;
        }
    }
    if (best != NULL)
        *path_info = path + best_len;
    return best;
}
