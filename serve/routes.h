/*
 * kiln serve's routes: a URL path prefix and the image (or C source) that
 * answers under it.  The longest prefix that matches whole path segments
 * wins; what follows it is the request's PATH_INFO.
 */
#ifndef KILN_ROUTES_H
#define KILN_ROUTES_H

#include <stdbool.h>
#include <stddef.h>

struct route {
    char *copy;         /* of "/PATH=TARGET"; prefix and target point into it */
    const char *prefix; /* no trailing '/': "/hello"; "" for "/" */
    const char *target; /* an image, or a .c file to build */
    const char *image;  /* what is served: target, or built */
    char *built;        /* the build cache's image of a .c target */
    char *program;      /* the function's argv[0] */
};

/* Parses "/PATH=TARGET".  Returns 0, or -1 with the reason in error. */
int route_parse(const char *spec, struct route *route, char *error, size_t error_size);

void route_free(struct route *route);

/* The route's path for messages: its prefix, or "/" for the root. */
const char *route_name(const struct route *route);

/* Whether prefix ("/a", "" for the root) is path or its first whole
 * segments: "/a" matches "/a" and "/a/b", never "/ab". */
bool route_prefix_matches(const char *prefix, const char *path);

#endif
