/*
 * kiln serve as a whole: the fleet of VMs, a pool per route (the --route
 * routes, and the functions of --functions DIR as they come and go), the
 * HTTP server in front, the admin listener beside it, and an orderly
 * stop.  cmd/ parses the command line and builds .c routes; this serves
 * the images.
 */
#ifndef KILN_SERVER_H
#define KILN_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "routes.h"

struct server_options {
    const char *host; /* numeric, IPv6 without brackets */
    bool ipv6;
    uint16_t port;              /* 0: any free port */
    const struct route *routes; /* each with its image */
    size_t route_count;
    const char *functions_dir; /* NULL: none */
    /* What a route found in functions_dir serves: fills its image and
     * program as cmd/ does for --route, building a .c file.  Returns 0,
     * or -1 (reported). */
    int (*prepare_route)(struct route *route, const char *cache_dir);
    unsigned workers; /* the most VMs of one route */
    unsigned max_vms; /* the most VMs of all routes together */
    uint64_t idle_ms; /* a VM idle this long is given back; 0: never */
    uint64_t timeout_ms;
    uint64_t mem_size; /* 0: each image's own default */
    uint64_t max_body;
    const char *cache_dir; /* NULL: no caches */
    const char *core_dir;  /* --dumpcore: where crashes' cores go; NULL: none */
    bool has_admin;        /* the admin listener, at admin_host:admin_port */
    const char *admin_host;
    bool admin_ipv6;
    uint16_t admin_port;
    bool verbose; /* each route's stats at the end */
};

/* Opens every route's pool, listens, and on SIGINT or SIGTERM lets the
 * requests in flight finish.  Returns 0 then, or -1 when it could not
 * start (reported). */
int server_run(const struct server_options *options);

#endif
