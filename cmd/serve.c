/*
 * kiln serve's command line: parse it, build the .c routes through the
 * build cache (and, later, the .c functions of --functions), then serve (serve/server.h) until
 * SIGINT or SIGTERM, and exit 0.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build.h"
#include "commands.h"
#include "common/cache_dir.h"
#include "common/paths.h"
#include "common/report.h"
#include "exit_codes.h"
#include "help.h"
#include "monitor/monitor.h"
#include "names.h"
#include "option_values.h"
#include "serve/server.h"
#include "serve_options.h"

/* What route serves: its target, or the build cache's image of a .c
 * target; and the function's name. */
static int prepare_route(struct route *route, const char *cache_dir)
{
    route->program = names_program(route->target);
    if (route->program == NULL)
        return report("serve: out of memory");
    if (!path_is_source(route->target)) {
        route->image = route->target;
        return 0;
    }
    struct built_image built;
    const char *sources[] = {route->target};
    struct compile_args compile = {.sources = sources, .source_count = 1};
    if (build_cached_image(&compile, cache_dir, &built) < 0)
        return -1;
    route->built = strdup(built.path);
    if (route->built == NULL)
        return report("serve: out of memory");
    route->image = route->built;
    return 0;
}

static int serve(struct serve_args *args)
{
    char cache_dir[PATH_MAX];
    /* Without KVM no route could ever answer: say why before building any. */
    if (monitor_kvm_check() < 0)
        return EXIT_CANNOT_RUN;
    if (cache_dir_find(cache_dir, sizeof cache_dir) < 0)
        return EXIT_SERVE_FAILED;
    for (size_t i = 0; i < args->route_count; i++)
        if (prepare_route(&args->routes[i], cache_dir) != 0)
            return EXIT_SERVE_FAILED;
    const struct server_options options = {
        .host = args->host,
        .ipv6 = args->ipv6,
        .port = args->port,
        .routes = args->routes,
        .route_count = args->route_count,
        .functions_dir = args->functions_dir,
        .prepare_route = prepare_route,
        .workers = args->workers > 0 ? (unsigned)args->workers : one_per_cpu(),
        .max_vms = (unsigned)args->max_vms,
        .idle_ms = args->idle_ms,
        .timeout_ms = args->timeout_ms,
        .mem_size = args->mem_size,
        .max_body = args->max_body,
        .cache_dir = cache_dir,
        .core_dir = args->core_dir,
        .has_admin = args->has_admin,
        .admin_host = args->admin_host,
        .admin_ipv6 = args->admin_ipv6,
        .admin_port = args->admin_port,
        .verbose = args->verbose,
    };
    return server_run(&options) == 0 ? 0 : EXIT_SERVE_FAILED;
}

int cmd_serve(int argc, char **argv)
{
    struct serve_args args;
    char error[OPTIONS_ERROR_SIZE];
    if (options_parse_serve(argc, argv, &args, error, sizeof error) < 0) {
        report("serve: %s", error);
        return EXIT_USAGE;
    }
    int code = args.help ? help_print("serve", stdout) : serve(&args);
    options_free_serve(&args);
    return code;
}
