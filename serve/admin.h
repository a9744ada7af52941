/*
 * kiln serve --admin ADDR:PORT: a second HTTP listener, never the public
 * one, that answers GET /_kiln/stats with every route's figures as JSON
 * (route_table_stats()).  Anything else is 404, another method 405.
 */
#ifndef KILN_ADMIN_H
#define KILN_ADMIN_H

#include <stdbool.h>
#include <stdint.h>

#include "fleet.h"
#include "route_table.h"

struct admin_options {
    const char *host; /* numeric, IPv6 without brackets */
    bool ipv6;
    uint16_t port; /* 0: any free port */
    struct route_table *table;
    struct fleet *fleet; /* its VMs, counted against --max-vms, shown beside the routes */
};

/* NULL if it cannot listen (reported). */
struct admin *admin_start(const struct admin_options *options);

uint16_t admin_port(const struct admin *admin);

void admin_stop(struct admin *admin);

#endif
