/*
 * A request as libmicrohttpd parsed it, turned into the CGI environment
 * (cgi.h) its function sees.
 */
#ifndef KILN_HTTP_REQUEST_H
#define KILN_HTTP_REQUEST_H

#include <microhttpd.h>
#include <stdint.h>

struct http_request {
    const char *method;
    const char *version;     /* "HTTP/1.1" */
    const char *uri;         /* raw, with the query */
    const char *script_name; /* the route's prefix */
    const char *path_info;   /* decoded */
    const char *server_host; /* what the server listens on */
    uint16_t server_port;
    uint64_t body_size;
};

/* NULL-terminated "NAME=VALUE" strings (free with cgi_environment_free),
 * or NULL when out of memory. */
char **http_request_environment(struct MHD_Connection *connection,
                                const struct http_request *request);

#endif
