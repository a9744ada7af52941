/*
 * kiln serve's HTTP side, on libmicrohttpd.  One internal thread takes
 * every connection: it routes a request (404 if no route), buffers its
 * body (413 past the limit), hands it to the route's pool as a CGI job and
 * suspends the connection; the worker that ran the job resumes it, and the
 * function's CGI answer (or 502/504 when it failed) goes back.  One access
 * log line per request.
 */
#ifndef KILN_HTTP_SERVER_H
#define KILN_HTTP_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "route_table.h"

struct http_server_options {
    const char *host; /* numeric */
    bool ipv6;
    uint16_t port; /* 0: any free port */
    struct route_table *table;
    uint64_t max_body;
};

/* Starts listening; NULL if that failed (reported). */
struct http_server *http_server_start(const struct http_server_options *options);

/* The port it listens on. */
uint16_t http_server_port(const struct http_server *server);

/* Stops taking connections, lets every request in flight finish (their
 * connections then close), and stops. */
void http_server_stop(struct http_server *server);

#endif
