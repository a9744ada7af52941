/*
 * kiln serve's command line, parsed in kiln-serve alone (kiln itself
 * links nothing of serve's), the way options.h parses the others.
 */
#ifndef KILN_SERVE_OPTIONS_H
#define KILN_SERVE_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "options.h"
#include "serve/routes.h"

#define SERVE_DEFAULT_HOST       "127.0.0.1"
#define SERVE_DEFAULT_PORT       8080
#define SERVE_DEFAULT_TIMEOUT_MS 10000
#define SERVE_DEFAULT_MAX_BODY   (1u << 20)
#define SERVE_WORKERS_MAX        256
#define SERVE_DEFAULT_IDLE_MS    60000
#define SERVE_DEFAULT_MAX_VMS    1024
#define SERVE_MAX_VMS_MAX        65536
#define SERVE_HOST_SIZE          64

struct serve_args {
    char host[SERVE_HOST_SIZE]; /* numeric, IPv6 without brackets */
    uint16_t port;              /* 0: any free port */
    bool ipv6;
    struct route *routes; /* in the order given */
    size_t route_count;
    const char *functions_dir; /* --functions DIR, or NULL */
    uint64_t workers;          /* the most VMs of one route; 0: one per CPU */
    uint64_t max_vms;          /* the most VMs of all routes together */
    uint64_t idle_ms;          /* a route idle this long gives its VMs back; 0: never */
    uint64_t timeout_ms;       /* 0: none */
    uint64_t mem_size;         /* 0: each image's own default */
    uint64_t max_body;
    const char *core_dir;             /* --dumpcore DIR, or NULL */
    bool has_admin;                   /* --admin ADDR:PORT given */
    char admin_host[SERVE_HOST_SIZE]; /* read as host, port and ipv6 are */
    uint16_t admin_port;
    bool admin_ipv6;
    bool verbose;
    bool help;
};

/* As options_parse_build(). */
int options_parse_serve(int argc, char **argv, struct serve_args *args, char *error,
                        size_t error_size);
void options_free_serve(struct serve_args *args);

#endif
