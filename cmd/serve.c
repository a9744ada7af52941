/*
 * kiln serve: open a pool per route (building .c routes first), listen,
 * and on SIGINT or SIGTERM let the requests in flight finish, then exit
 * 0.  The stop signals are blocked before any thread starts, so only
 * sigwait() here sees them; after the first, a second ends kiln at once.
 */
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "build.h"
#include "cache_dir.h"
#include "clock.h"
#include "commands.h"
#include "exit_codes.h"
#include "help.h"
#include "http_server.h"
#include "log_line.h"
#include "names.h"
#include "options.h"
#include "pool.h"

#define SOURCE_SUFFIX ".c"
#define NS_PER_US 1000

static bool is_source(const char *path)
{
    size_t len = strlen(path), suffix = strlen(SOURCE_SUFFIX);
    return len > suffix && strcmp(path + len - suffix, SOURCE_SUFFIX) == 0;
}

static int prepare_image(struct route *route)
{
    char cache_dir[PATH_MAX];
    struct built_image built;
    const char *sources[] = {route->target};
    struct compile_args compile = {.sources = sources, .source_count = 1};
    if (!is_source(route->target)) {
        route->image = route->target;
        return 0;
    }
    if (cache_dir_find(cache_dir, sizeof cache_dir) < 0 ||
        build_cached_image(&compile, cache_dir, &built) < 0)
        return -1;
    route->built = strdup(built.path);
    if (route->built == NULL) {
        log_line("kiln: serve: out of memory");
        return -1;
    }
    route->image = route->built;
    return 0;
}

static unsigned worker_count(const struct serve_args *args)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    if (args->workers > 0)
        return (unsigned)args->workers;
    return cpus > 0 ? (unsigned)cpus : 1;
}

static int open_route(struct route *route, const struct serve_args *args)
{
    char *program = names_program(route->target);
    char *argv[] = {program, NULL};
    if (program == NULL || prepare_image(route) != 0) {
        free(program);
        return -1;
    }
    struct pool_options options = {
        .image_path = route->image,
        .image_name = route->target,
        .name = route_name(route),
        .mem_size = args->mem_size,
        .timeout_ms = args->timeout_ms,
        .workers = worker_count(args),
        .argc = 1,
        .argv = argv,
    };
    int64_t start = clock_ns(CLOCK_MONOTONIC);
    route->pool = pool_open(&options);
    free(program);
    if (route->pool == NULL)
        return -1;
    log_line("kiln: %s: %u VMs of %s ready in %.1f ms", route_name(route), options.workers,
             route->target, (double)(clock_ns(CLOCK_MONOTONIC) - start) / NS_PER_MS);
    return 0;
}

static void report_stats(const struct route *route)
{
    struct pool_stats stats;
    pool_stats(route->pool, &stats);
    uint64_t resets = stats.resets ? stats.resets : 1;
    log_line("kiln: %s: %" PRIu64 " requests; %" PRIu64 " resets, %.1f us and %.1f pages "
             "each on average; %" PRIu64 " VMs rebuilt", route_name(route), stats.jobs,
             stats.resets, (double)stats.reset_ns / NS_PER_US / (double)resets,
             (double)stats.reset_pages / (double)resets, stats.rebuilds);
}

static void close_routes(struct serve_args *args, bool verbose)
{
    for (size_t i = 0; i < args->route_count; i++) {
        struct route *route = &args->routes[i];
        if (route->pool == NULL)
            continue;
        if (verbose)
            report_stats(route);
        pool_close(route->pool);
        route->pool = NULL;
    }
}

static sigset_t stop_signals(void)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    return set;
}

static void wait_for_stop_signal(void)
{
    sigset_t stop = stop_signals();
    int signo = 0;
    sigwait(&stop, &signo);
    log_line("kiln: %s: finishing the requests in flight", strsignal(signo));
    pthread_sigmask(SIG_UNBLOCK, &stop, NULL);
}

static int serve(struct serve_args *args)
{
    sigset_t stop = stop_signals();
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    for (size_t i = 0; i < args->route_count; i++) {
        if (open_route(&args->routes[i], args) != 0) {
            close_routes(args, false);
            return EXIT_SERVE_FAILED;
        }
    }
    struct http_server_options options = {
        .host = args->host,
        .ipv6 = args->ipv6,
        .port = args->port,
        .routes = args->routes,
        .route_count = args->route_count,
        .max_body = args->max_body,
    };
    struct http_server *server = http_server_start(&options);
    if (server == NULL) {
        close_routes(args, false);
        return EXIT_SERVE_FAILED;
    }
    log_line("kiln: listening on http://%s%s%s:%u/", args->ipv6 ? "[" : "", args->host,
             args->ipv6 ? "]" : "", http_server_port(server));
    wait_for_stop_signal();
    http_server_stop(server);
    close_routes(args, args->verbose);
    return 0;
}

int cmd_serve(int argc, char **argv)
{
    struct serve_args args;
    char error[OPTIONS_ERROR_SIZE];
    if (options_parse_serve(argc, argv, &args, error, sizeof error) < 0) {
        fprintf(stderr, "kiln: serve: %s\n", error);
        return EXIT_USAGE;
    }
    int code = args.help ? help_print("serve", stdout) : serve(&args);
    options_free_serve(&args);
    return code;
}
