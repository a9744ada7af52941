/*
 * The stop signals are blocked before any thread starts, so only
 * sigwait() here sees them; after the first, a second ends kiln at once.
 */
#include "server.h"

#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/clock.h"
#include "common/report.h"
#include "http_server.h"
#include "pool.h"

static struct pool *open_pool(const struct route *route, const struct server_options *options)
{
    char *const argv[] = {(char *)route->program, NULL};
    struct pool_options pool = {
        .image_path = route->image,
        .image_name = route->target,
        .name = route_name(route),
        .mem_size = options->mem_size,
        .timeout_ms = options->timeout_ms,
        .workers = options->workers,
        .argc = 1,
        .argv = argv,
        .cache_dir = options->cache_dir,
        .core_dir = options->core_dir,
    };
    int64_t start = clock_ns(CLOCK_MONOTONIC);
    struct pool *opened = pool_open(&pool);
    if (opened != NULL)
        report("%s: %u VMs of %s ready in %.1f ms", route_name(route), pool.workers, route->target,
               (double)(clock_ns(CLOCK_MONOTONIC) - start) / NS_PER_MS);
    return opened;
}

static void report_stats(const struct route *route, struct pool *pool)
{
    struct pool_stats stats;
    pool_stats(pool, &stats);
    uint64_t resets = stats.resets ? stats.resets : 1;
    report("%s: %" PRIu64 " requests; %" PRIu64 " resets, %.1f us and %.1f pages each on "
           "average; %" PRIu64 " VMs rebuilt",
           route_name(route), stats.jobs, stats.resets,
           (double)stats.reset_ns / NS_PER_US / (double)resets,
           (double)stats.reset_pages / (double)resets, stats.rebuilds);
}

static void close_pools(const struct server_options *options, struct pool **pools, bool verbose)
{
    for (size_t i = 0; i < options->route_count; i++) {
        if (pools[i] == NULL)
            continue;
        if (verbose)
            report_stats(&options->routes[i], pools[i]);
        pool_close(pools[i]);
    }
    free(pools);
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
    report("%s: finishing the requests in flight", strsignal(signo));
    pthread_sigmask(SIG_UNBLOCK, &stop, NULL);
}

/* Every route's pool, or NULL (reported). */
static struct pool **open_pools(const struct server_options *options)
{
    struct pool **pools = calloc(options->route_count, sizeof *pools);
    if (pools == NULL) {
        report("serve: out of memory");
        return NULL;
    }
    for (size_t i = 0; i < options->route_count; i++) {
        pools[i] = open_pool(&options->routes[i], options);
        if (pools[i] == NULL) {
            close_pools(options, pools, false);
            return NULL;
        }
    }
    return pools;
}

int server_run(const struct server_options *options)
{
    sigset_t stop = stop_signals();
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    struct pool **pools = open_pools(options);
    if (pools == NULL)
        return -1;
    struct http_server_options http = {
        .host = options->host,
        .ipv6 = options->ipv6,
        .port = options->port,
        .routes = options->routes,
        .pools = pools,
        .route_count = options->route_count,
        .max_body = options->max_body,
    };
    struct http_server *server = http_server_start(&http);
    if (server == NULL) {
        close_pools(options, pools, false);
        return -1;
    }
    report("listening on http://%s%s%s:%u/", options->ipv6 ? "[" : "", options->host,
           options->ipv6 ? "]" : "", http_server_port(server));
    wait_for_stop_signal();
    http_server_stop(server);
    close_pools(options, pools, options->verbose);
    return 0;
}
