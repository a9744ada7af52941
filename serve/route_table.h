/*
 * What kiln serve answers, and with which pool: the --route routes, fixed
 * from the start, and the functions of --functions DIR, which come, change
 * and go while it serves (functions_dir.h).  The longest prefix that
 * matches whole path segments wins.  A pool replaced or removed is
 * retired (pool.h): the requests that found it still run on it.
 */
#ifndef KILN_ROUTE_TABLE_H
#define KILN_ROUTE_TABLE_H

#include <stdbool.h>
#include <stddef.h>

#include "pool.h"

/* Longer prefixes are refused: a route is a name, not a path. */
#define ROUTE_PREFIX_MAX 256

struct route_stats {
    char prefix[ROUTE_PREFIX_MAX]; /* "/" for the root */
    const char *target;            /* in the same block as the array: one free() */
    bool from_functions;
    struct pool_stats stats;
};

struct route_table *route_table_new(void);

/* Serves pool at prefix ("/name", "" for the root) from now on, and
 * retires the pool that served there.  A function (from_functions) never
 * replaces a --route: then its pool is retired, it says so in the log and
 * returns 1.  0 when it serves; -1 (reported, the pool retired) when
 * out of memory or the prefix is ROUTE_PREFIX_MAX bytes or longer. */
int route_table_put(struct route_table *table, const char *prefix, const char *target,
                    struct pool *pool, bool from_functions);

/* Stops serving the function at prefix, retiring its pool; a --route, or
 * no route, stays as it is. */
void route_table_remove(struct route_table *table, const char *prefix);

/* The pool for path, held (pool_hold(); pool_put() it after the answer),
 * with the route's prefix copied to prefix (ROUTE_PREFIX_MAX bytes);
 * NULL when no route matches. */
struct pool *route_table_find(struct route_table *table, const char *path, char *prefix);

/* Every route's figures, sorted by prefix, in a malloc'd array (*stats);
 * returns how many, or -1 when out of memory. */
long route_table_stats(struct route_table *table, struct route_stats **stats);

/* Retires every pool and frees the table. */
void route_table_free(struct route_table *table);

#endif
