/*
 * kiln serve as a whole: a pool of VMs per route, the HTTP server in
 * front, and an orderly stop.  cmd/ parses the command line and builds
 * .c routes; this serves the images.
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
    unsigned workers; /* VMs per route */
    uint64_t timeout_ms;
    uint64_t mem_size; /* 0: each image's own default */
    uint64_t max_body;
    const char *cache_dir; /* NULL: no caches */
    const char *core_dir;  /* --dumpcore: where crashes' cores go; NULL: none */
    bool verbose;          /* each route's stats at the end */
};

/* Opens every route's pool, listens, and on SIGINT or SIGTERM lets the
 * requests in flight finish.  Returns 0 then, or -1 when it could not
 * start (reported). */
int server_run(const struct server_options *options);

#endif
