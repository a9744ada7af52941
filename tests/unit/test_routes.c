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

Test(route_prefix_matches, matches_the_path_itself)
{
    cr_assert(route_prefix_matches("/api", "/api"));
}

Test(route_prefix_matches, matches_a_path_below_it)
{
    cr_assert(route_prefix_matches("/api", "/api/v2"));
}

Test(route_prefix_matches, never_matches_part_of_a_segment)
{
    cr_assert_not(route_prefix_matches("/api", "/apix"));
}

Test(route_prefix_matches, matches_every_path_at_the_root)
{
    cr_assert(route_prefix_matches("", "/anything"));
}
