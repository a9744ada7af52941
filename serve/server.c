/*
 * The stop signals are blocked before any thread starts, so only
 * sigwait() here sees them; after the first, a second ends kiln at once.
 */
#include "server.h"

#include <inttypes.h>
#include <limits.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "admin.h"
#include "common/clock.h"
#include "common/report.h"
#include "fleet.h"
#include "functions_dir.h"
#include "http_server.h"
#include "monitor/cpuid_cache.h"
#include "monitor/kvm_device.h"
#include "pinned_image.h"
#include "pool.h"
#include "route_table.h"

struct server {
    const struct server_options *options;
    int kvm_fd; /* one descriptor and one CPUID for every VM */
    struct kvm_cpuid2 *cpuid;
    struct fleet *fleet;
    struct route_table *table;
    struct functions_dir *functions;
    struct admin *admin;
    struct http_server *http;
};

/* A built route's image is the build cache's already; any other is
 * pinned (pinned_image.h). */
static struct pool *open_pool(const struct server *server, const struct route *route)
{
    const struct server_options *options = server->options;
    char image[PATH_MAX];
    if (route->built == NULL &&
        pinned_image(route->image, options->cache_dir, image, sizeof image) != 0)
        return NULL;
    char *const argv[] = {(char *)route->program, NULL};
    struct pool_options pool = {
        .image_path = route->built != NULL ? route->built : image,
        .image_name = route->target,
        .name = route_name(route),
        .mem_size = options->mem_size,
        .timeout_ms = options->timeout_ms,
        .max_vms = options->workers,
        .idle_ms = options->idle_ms,
        .argc = 1,
        .argv = argv,
        .cache_dir = options->cache_dir,
        .core_dir = options->core_dir,
        .fleet = server->fleet,
        .kvm_fd = server->kvm_fd,
        .cpuid = server->cpuid,
    };
    int64_t start = clock_ns(CLOCK_MONOTONIC);
    struct pool *opened = pool_open(&pool);
    if (opened != NULL)
        report("%s: %s ready (snapshot %s) in %.1f ms", route_name(route), route->target,
               pool_from_cache(opened) ? "from the cache" : "taken",
               (double)(clock_ns(CLOCK_MONOTONIC) - start) / NS_PER_MS);
    return opened;
}

/* functions_dir.h's open_function: the file as a route of its own. */
static struct pool *open_function(void *context, const char *prefix, const char *path)
{
    const struct server *server = context;
    struct route route = {.copy = strdup(path), .prefix = prefix};
    if (route.copy == NULL) {
        report("%s: out of memory", prefix);
        return NULL;
    }
    route.target = route.copy;
    struct pool *pool = NULL;
    if (server->options->prepare_route(&route, server->options->cache_dir) == 0)
        pool = open_pool(server, &route);
    route_free(&route);
    return pool;
}

static int open_routes(struct server *server)
{
    const struct server_options *options = server->options;
    for (size_t i = 0; i < options->route_count; i++) {
        const struct route *route = &options->routes[i];
        struct pool *pool = open_pool(server, route);
        if (pool == NULL ||
            route_table_put(server->table, route->prefix, route->target, pool, false) != 0)
            return -1;
    }
    return 0;
}

static int watch_functions(struct server *server)
{
    if (server->options->functions_dir == NULL)
        return 0;
    const struct functions_dir_options functions = {
        .dir = server->options->functions_dir,
        .table = server->table,
        .open_function = open_function,
        .context = server,
    };
    server->functions = functions_dir_start(&functions);
    return server->functions != NULL ? 0 : -1;
}

static int start_admin(struct server *server)
{
    const struct server_options *options = server->options;
    if (!options->has_admin)
        return 0;
    const struct admin_options admin = {
        .host = options->admin_host,
        .ipv6 = options->admin_ipv6,
        .port = options->admin_port,
        .table = server->table,
        .fleet = server->fleet,
    };
    server->admin = admin_start(&admin);
    if (server->admin == NULL)
        return -1;
    report("admin listener on http://%s%s%s:%u/_kiln/stats", admin.ipv6 ? "[" : "", admin.host,
           admin.ipv6 ? "]" : "", admin_port(server->admin));
    return 0;
}

static int start_http(struct server *server)
{
    const struct server_options *options = server->options;
    const struct http_server_options http = {
        .host = options->host,
        .ipv6 = options->ipv6,
        .port = options->port,
        .table = server->table,
        .max_body = options->max_body,
    };
    server->http = http_server_start(&http);
    if (server->http == NULL)
        return -1;
    report("listening on http://%s%s%s:%u/", options->ipv6 ? "[" : "", options->host,
           options->ipv6 ? "]" : "", http_server_port(server->http));
    return 0;
}

/* A thousand functions hold a few thousand descriptors: their images,
 * snapshots, VMs and vCPUs.  The soft limit (often 1024) rises to the
 * hard one, which needs no privilege. */
static void raise_open_files(void)
{
    struct rlimit limit;
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
    }
}

/* Every thread allocates from the one main arena.  glibc shrinks another
 * arena's heap only after reading /proc/sys/vm/overcommit_memory, and a
 * confined worker freeing its VM's memory may not open a file; the main
 * arena gives memory back with brk, which workers may call. */
static void one_malloc_arena(void)
{
    mallopt(M_ARENA_MAX, 1);
}

static int start(struct server *server)
{
    one_malloc_arena();
    raise_open_files();
    server->kvm_fd = kvm_device_open();
    if (server->kvm_fd < 0)
        return -1;
    server->cpuid = cpuid_supported(server->kvm_fd, server->options->cache_dir);
    if (server->cpuid == NULL)
        return -1;
    server->fleet = fleet_start(server->options->max_vms);
    if (server->fleet == NULL)
        return -1;
    server->table = route_table_new();
    if (server->table == NULL)
        return report("serve: out of memory");
    if (open_routes(server) != 0 || watch_functions(server) != 0 || start_admin(server) != 0)
        return -1;
    return start_http(server);
}

static void report_stats(struct route_table *table)
{
    struct route_stats *routes;
    long count = route_table_stats(table, &routes);
    for (long i = 0; i < count; i++) {
        const struct pool_stats *stats = &routes[i].stats;
        uint64_t resets = stats->resets ? stats->resets : 1;
        uint64_t vms = stats->vms ? stats->vms : 1;
        report("%s: %" PRIu64 " requests, p50 %" PRIu64 " us, p99 %" PRIu64 " us; %" PRIu64
               " resets, %.1f us and %.1f pages each on average; %" PRIu64 " VMs rebuilt; %" PRIu64
               " cold starts; %" PRIu64 " VMs with %" PRIu64 " KiB of their own each, sharing a "
               "%" PRIu64 " KiB snapshot",
               routes[i].prefix, stats->jobs, stats->p50_us, stats->p99_us, stats->resets,
               (double)stats->reset_ns / NS_PER_US / (double)resets,
               (double)stats->reset_pages / (double)resets, stats->rebuilds, stats->cold_starts,
               stats->vms, stats->private_bytes / vms / 1024, stats->shared_bytes / 1024);
    }
    free(routes);
}

/* Stops what started, in the order requests flow through it. */
static void stop(struct server *server)
{
    if (server->http != NULL)
        http_server_stop(server->http);
    if (server->functions != NULL)
        functions_dir_stop(server->functions);
    if (server->admin != NULL)
        admin_stop(server->admin);
    if (server->table != NULL) {
        if (server->http != NULL && server->options->verbose)
            report_stats(server->table);
        route_table_free(server->table);
    }
    if (server->fleet != NULL)
        fleet_stop(server->fleet);
    free(server->cpuid);
    if (server->kvm_fd >= 0)
        close(server->kvm_fd);
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

int server_run(const struct server_options *options)
{
    sigset_t signals = stop_signals();
    pthread_sigmask(SIG_BLOCK, &signals, NULL);
    struct server server = {.options = options, .kvm_fd = -1};
    int rc = start(&server);
    if (rc == 0)
        wait_for_stop_signal();
    stop(&server);
    return rc;
}
