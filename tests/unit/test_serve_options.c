#include <criterion/criterion.h>

#include "cmd/serve_options.h"

#define ARGC(argv) ((int)(sizeof(argv) / sizeof(argv)[0]))

static char error[OPTIONS_ERROR_SIZE];

static struct serve_args parsed(int argc, char **argv)
{
    struct serve_args args;
    int result = options_parse_serve(argc, argv, &args, error, sizeof error);
    cr_assert_eq(result, 0, "refused: %s", error);
    return args;
}

static void assert_refused(int argc, char **argv, const char *why)
{
    struct serve_args args;
    cr_assert_eq(options_parse_serve(argc, argv, &args, error, sizeof error), -1);
    cr_assert_str_eq(error, why);
}

Test(serve_options, one_route_serves_with_defaults)
{
    char *argv[] = {"serve", "--route", "/hello=hello.kiln"};
    struct serve_args args = parsed(ARGC(argv), argv);
    cr_assert_str_eq(args.host, "127.0.0.1");
    cr_assert_eq(args.port, 8080);
    cr_assert_eq(args.route_count, 1);
    cr_assert_str_eq(args.routes[0].prefix, "/hello");
    cr_assert_str_eq(args.routes[0].target, "hello.kiln");
    cr_assert_eq(args.workers, 0);
    cr_assert_eq(args.timeout_ms, SERVE_DEFAULT_TIMEOUT_MS);
    cr_assert_eq(args.mem_size, 0);
    cr_assert_eq(args.max_body, SERVE_DEFAULT_MAX_BODY);
    cr_assert_null(args.functions_dir);
    cr_assert_eq(args.idle_ms, 60000);
    cr_assert_eq(args.max_vms, 1024);
    cr_assert_not(args.has_admin);
    options_free_serve(&args);
}

Test(serve_options, every_option_is_read)
{
    char *argv[] = {"serve",
                    "--listen=0.0.0.0:9000",
                    "--route",
                    "/a=a.kiln",
                    "--route=/b=b.c",
                    "--workers",
                    "3",
                    "--timeout",
                    "0.5",
                    "--mem",
                    "64M",
                    "--max-body",
                    "4K",
                    "-v"};
    struct serve_args args = parsed(ARGC(argv), argv);
    cr_assert_str_eq(args.host, "0.0.0.0");
    cr_assert_eq(args.port, 9000);
    cr_assert_eq(args.route_count, 2);
    cr_assert_str_eq(args.routes[1].target, "b.c");
    cr_assert_eq(args.workers, 3);
    cr_assert_eq(args.timeout_ms, 500);
    cr_assert_eq(args.mem_size, 64ull << 20);
    cr_assert_eq(args.max_body, 4096);
    cr_assert(args.verbose);
    options_free_serve(&args);
}

Test(serve_options, an_ipv6_address_goes_in_brackets)
{
    char *argv[] = {"serve", "--listen", "[::1]:0", "--route", "/=x.kiln"};
    struct serve_args args = parsed(ARGC(argv), argv);
    cr_assert_str_eq(args.host, "::1");
    cr_assert_eq(args.port, 0);
    cr_assert(args.ipv6);
    options_free_serve(&args);
}

Test(serve_options, no_route_and_no_functions_is_refused)
{
    char *argv[] = {"serve", "--workers", "2"};
    assert_refused(ARGC(argv), argv, "no --route or --functions given (see kiln serve --help)");
}

Test(serve_options, the_same_prefix_twice_is_refused)
{
    char *argv[] = {"serve", "--route", "/a=a.kiln", "--route", "/a/=b.kiln"};
    assert_refused(ARGC(argv), argv, "--route: two routes for \"/a\"");
}

Test(serve_options, a_bad_listen_address_is_refused)
{
    char *argv[] = {"serve", "--listen", "localhost:80", "--route", "/=x.kiln"};
    assert_refused(ARGC(argv), argv,
                   "--listen: \"localhost:80\" is not ADDR:PORT (e.g. 127.0.0.1:8080, [::1]:8080)");
}

Test(serve_options, a_port_past_65535_is_refused)
{
    char *argv[] = {"serve", "--listen", "127.0.0.1:70000", "--route", "/=x.kiln"};
    assert_refused(ARGC(argv), argv, "--listen: \"70000\" is not a port (0-65535)");
}

Test(serve_options, zero_workers_are_refused)
{
    char *argv[] = {"serve", "--workers", "0", "--route", "/=x.kiln"};
    assert_refused(ARGC(argv), argv, "--workers: \"0\" is not a whole number from 1 to 256");
}

Test(serve_options, a_stray_argument_is_refused)
{
    char *argv[] = {"serve", "x.kiln"};
    assert_refused(ARGC(argv), argv,
                   "unexpected argument \"x.kiln\" (routes are given with --route or --functions)");
}

Test(serve_options, help_stops_parsing)
{
    char *argv[] = {"serve", "--help", "--bogus"};
    struct serve_args args = parsed(ARGC(argv), argv);
    cr_assert(args.help);
    options_free_serve(&args);
}

Test(serve_options, options_may_come_in_any_order)
{
    char *argv[] = {"serve",       "--verbose", "--route=/b=b.kiln", "--listen",
                    "127.0.0.1:0", "--route",   "/a=a.kiln"};
    struct serve_args args = parsed(ARGC(argv), argv);
    cr_assert(args.verbose);
    cr_assert_eq(args.port, 0);
    cr_assert_eq(args.route_count, 2);
    cr_assert_str_eq(args.routes[0].prefix, "/b");
    cr_assert_str_eq(args.routes[1].prefix, "/a");
    options_free_serve(&args);
}

Test(serve_options, double_dash_is_refused)
{
    char *argv[] = {"serve", "--route", "/=x.kiln", "--"};
    assert_refused(ARGC(argv), argv, "unknown option \"--\" (see kiln serve --help)");
}

Test(serve_options, abbreviations_are_refused)
{
    char *argv[] = {"serve", "--verb", "--route", "/=x.kiln"};
    assert_refused(ARGC(argv), argv, "unknown option \"--verb\" (see kiln serve --help)");
}

Test(serve_options, missing_route_value_is_refused)
{
    char *argv[] = {"serve", "--route"};
    assert_refused(ARGC(argv), argv, "--route needs /PATH=IMAGE.kiln or /PATH=APP.c");
}

Test(serve_options, a_bad_max_body_says_why)
{
    char *argv[] = {"serve", "--max-body", "huge", "--route", "/=x.kiln"};
    assert_refused(ARGC(argv), argv, "--max-body: \"huge\" is not a size (e.g. 64K, 1M)");
}

Test(serve_options, dumpcore_names_the_folder_of_cores)
{
    char *argv[] = {"serve", "--dumpcore", "cores", "--route", "/=x.kiln"};
    struct serve_args args = parsed(ARGC(argv), argv);
    cr_assert_str_eq(args.core_dir, "cores");
    options_free_serve(&args);
}

Test(serve_options, no_dumpcore_writes_no_cores)
{
    char *argv[] = {"serve", "--route", "/=x.kiln"};
    struct serve_args args = parsed(ARGC(argv), argv);
    cr_assert_null(args.core_dir);
    options_free_serve(&args);
}

Test(serve_options, dumpcore_without_a_folder_is_refused)
{
    char *argv[] = {"serve", "--dumpcore", "", "--route", "/=x.kiln"};
    assert_refused(ARGC(argv), argv, "--dumpcore needs a folder");
}

Test(serve_options, functions_alone_serves)
{
    char *argv[] = {"serve", "--functions", "fns"};
    struct serve_args args = parsed(ARGC(argv), argv);
    cr_assert_str_eq(args.functions_dir, "fns");
    cr_assert_eq(args.route_count, 0);
    options_free_serve(&args);
}

Test(serve_options, functions_and_routes_serve_together)
{
    char *argv[] = {"serve", "--route", "/=x.kiln", "--functions=fns"};
    struct serve_args args = parsed(ARGC(argv), argv);
    cr_assert_str_eq(args.functions_dir, "fns");
    cr_assert_eq(args.route_count, 1);
    options_free_serve(&args);
}

Test(serve_options, functions_twice_is_refused)
{
    char *argv[] = {"serve", "--functions", "a", "--functions", "b"};
    assert_refused(ARGC(argv), argv, "--functions given twice (kiln serve watches one folder)");
}

Test(serve_options, functions_without_a_folder_is_refused)
{
    char *argv[] = {"serve", "--functions", ""};
    assert_refused(ARGC(argv), argv, "--functions needs a folder");
}

Test(serve_options, idle_is_read_as_seconds)
{
    char *argv[] = {"serve", "--idle", "1.5", "--route", "/=x.kiln"};
    struct serve_args args = parsed(ARGC(argv), argv);
    cr_assert_eq(args.idle_ms, 1500);
    options_free_serve(&args);
}

Test(serve_options, idle_zero_never_gives_vms_back)
{
    char *argv[] = {"serve", "--idle", "0", "--route", "/=x.kiln"};
    struct serve_args args = parsed(ARGC(argv), argv);
    cr_assert_eq(args.idle_ms, 0);
    options_free_serve(&args);
}

Test(serve_options, a_bad_idle_says_why)
{
    char *argv[] = {"serve", "--idle", "1m", "--route", "/=x.kiln"};
    assert_refused(ARGC(argv), argv, "--idle: \"1m\" is not a number of seconds (e.g. 10, 0.5)");
}

Test(serve_options, max_vms_is_read)
{
    char *argv[] = {"serve", "--max-vms", "65536", "--route", "/=x.kiln"};
    struct serve_args args = parsed(ARGC(argv), argv);
    cr_assert_eq(args.max_vms, 65536);
    options_free_serve(&args);
}

Test(serve_options, zero_max_vms_are_refused)
{
    char *argv[] = {"serve", "--max-vms", "0", "--route", "/=x.kiln"};
    assert_refused(ARGC(argv), argv, "--max-vms: \"0\" is not a whole number from 1 to 65536");
}

Test(serve_options, max_vms_past_65536_are_refused)
{
    char *argv[] = {"serve", "--max-vms", "65537", "--route", "/=x.kiln"};
    assert_refused(ARGC(argv), argv, "--max-vms: \"65537\" is not a whole number from 1 to 65536");
}

Test(serve_options, admin_is_read_as_listen_is)
{
    char *argv[] = {"serve", "--admin", "127.0.0.1:9090", "--route", "/=x.kiln"};
    struct serve_args args = parsed(ARGC(argv), argv);
    cr_assert(args.has_admin);
    cr_assert_str_eq(args.admin_host, "127.0.0.1");
    cr_assert_eq(args.admin_port, 9090);
    cr_assert_not(args.admin_ipv6);
    options_free_serve(&args);
}

Test(serve_options, an_ipv6_admin_goes_in_brackets)
{
    char *argv[] = {"serve", "--admin=[::1]:0", "--route", "/=x.kiln"};
    struct serve_args args = parsed(ARGC(argv), argv);
    cr_assert_str_eq(args.admin_host, "::1");
    cr_assert_eq(args.admin_port, 0);
    cr_assert(args.admin_ipv6);
    options_free_serve(&args);
}

Test(serve_options, a_bad_admin_address_is_refused)
{
    char *argv[] = {"serve", "--admin", "localhost:9090", "--route", "/=x.kiln"};
    assert_refused(
        ARGC(argv), argv,
        "--admin: \"localhost:9090\" is not ADDR:PORT (e.g. 127.0.0.1:8080, [::1]:8080)");
}

Test(serve_options, admin_on_the_default_listener_is_refused)
{
    char *argv[] = {"serve", "--admin", "127.0.0.1:8080", "--route", "/=x.kiln"};
    assert_refused(ARGC(argv), argv, "--admin must not be the public listener");
}

Test(serve_options, admin_on_the_listener_is_refused_in_any_spelling)
{
    char *argv[] = {"serve",      "--admin", "[0::1]:9000", "--listen",
                    "[::1]:9000", "--route", "/=x.kiln"};
    assert_refused(ARGC(argv), argv, "--admin must not be the public listener");
}

Test(serve_options, admin_on_another_port_of_the_listener_serves)
{
    char *argv[] = {"serve",        "--listen", "0.0.0.0:8080", "--admin",
                    "0.0.0.0:8081", "--route",  "/=x.kiln"};
    struct serve_args args = parsed(ARGC(argv), argv);
    cr_assert_eq(args.admin_port, 8081);
    options_free_serve(&args);
}

Test(serve_options, admin_and_listen_both_on_port_0_serve)
{
    char *argv[] = {"serve",       "--listen", "127.0.0.1:0", "--admin",
                    "127.0.0.1:0", "--route",  "/=x.kiln"};
    struct serve_args args = parsed(ARGC(argv), argv);
    cr_assert(args.has_admin);
    options_free_serve(&args);
}
