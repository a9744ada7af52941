#include <criterion/criterion.h>
#include <string.h>

#include "serve/routes.h"

static char error[256];

static struct route parsed(const char *spec)
{
    struct route route;
    cr_assert_eq(route_parse(spec, &route, error, sizeof error), 0, "%s", error);
    return route;
}

Test(route_parse, splits_the_prefix_from_the_target)
{
    struct route route = parsed("/hello=hello.kiln");
    cr_assert_str_eq(route.prefix, "/hello");
    cr_assert_str_eq(route.target, "hello.kiln");
    route_free(&route);
}

Test(route_parse, drops_trailing_slashes_of_the_prefix)
{
    struct route route = parsed("/api/=api.c");
    cr_assert_str_eq(route.prefix, "/api");
    route_free(&route);
}

Test(route_parse, makes_the_root_an_empty_prefix)
{
    struct route route = parsed("/=site.kiln");
    cr_assert_str_eq(route.prefix, "");
    route_free(&route);
}

Test(route_parse, keeps_an_equals_sign_inside_the_target)
{
    struct route route = parsed("/x=dir=1/x.kiln");
    cr_assert_str_eq(route.target, "dir=1/x.kiln");
    route_free(&route);
}

Test(route_parse, refuses_a_path_that_does_not_start_with_a_slash)
{
    struct route route;
    cr_assert_eq(route_parse("hello=hello.kiln", &route, error, sizeof error), -1);
    cr_assert(strstr(error, "/PATH=IMAGE.kiln") != NULL, "%s", error);
}

Test(route_parse, refuses_a_missing_target)
{
    struct route route;
    cr_assert_eq(route_parse("/hello=", &route, error, sizeof error), -1);
    cr_assert_eq(route_parse("/hello", &route, error, sizeof error), -1);
}

static struct route routes[3];

static void three_routes(void)
{
    routes[0] = parsed("/=root.kiln");
    routes[1] = parsed("/api=api.kiln");
    routes[2] = parsed("/api/v2=v2.kiln");
}

static void free_routes(void)
{
    for (int i = 0; i < 3; i++)
        route_free(&routes[i]);
}

TestSuite(routes_match, .init = three_routes, .fini = free_routes);

Test(routes_match, picks_the_longest_matching_prefix)
{
    const char *info;
    cr_assert_eq(routes_match(routes, 3, "/api/v2/users", &info), &routes[2]);
    cr_assert_str_eq(info, "/users");
}

Test(routes_match, gives_an_empty_path_info_for_the_prefix_itself)
{
    const char *info;
    cr_assert_eq(routes_match(routes, 3, "/api", &info), &routes[1]);
    cr_assert_str_eq(info, "");
}

Test(routes_match, matches_whole_segments_only)
{
    const char *info;
    cr_assert_eq(routes_match(routes, 3, "/apix", &info), &routes[0]);
    cr_assert_str_eq(info, "/apix");
}

Test(routes_match, finds_nothing_without_a_matching_route)
{
    const char *info;
    cr_assert_null(routes_match(routes + 1, 2, "/other", &info));
}
