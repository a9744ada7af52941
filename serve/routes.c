#include "routes.h"

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

bool route_prefix_matches(const char *prefix, const char *path)
{
    size_t len = strlen(prefix);
    return strncmp(path, prefix, len) == 0 && (path[len] == '\0' || path[len] == '/');
}
