/*
 * CGI/1.1 (RFC 3875) on both sides of a function: the environment a
 * request becomes, and the answer a function writes to stdout (header
 * lines such as Status:, Content-Type: and Location:, a blank line, the
 * body).  No HTTP library here, so both halves are tested on their own.
 */
#ifndef KILN_CGI_H
#define KILN_CGI_H

#include <stddef.h>
#include <stdint.h>

struct cgi_header {
    const char *name;
    const char *value;
};

struct cgi_request {
    const char *method;
    const char *script_name; /* the route's prefix */
    const char *path_info;   /* decoded */
    const char *query;       /* raw, without '?'; "" for none */
    const char *request_uri; /* raw, as the client sent it */
    const char *protocol;    /* "HTTP/1.1" */
    const char *server_name;
    const char *server_port;
    const char *remote_addr;
    const char *remote_port;
    const char *content_type; /* NULL: none */
    uint64_t content_length;
    const struct cgi_header *headers; /* each becomes HTTP_NAME */
    size_t header_count;
};

/* A NULL-terminated array of "NAME=VALUE" strings, or NULL when out of
 * memory.  Headers with the same name are joined with ", "; headers whose
 * names are not letters, digits and '-' are dropped (they could pose as
 * another header once '-' becomes '_'), and so is Proxy (httpoxy). */
char **cgi_environment(const struct cgi_request *request);
void cgi_environment_free(char **env);

#define CGI_HEADERS_MAX 64

struct cgi_response {
    unsigned status;
    struct cgi_header headers[CGI_HEADERS_MAX]; /* in order, framing headers left out */
    size_t header_count;
    const uint8_t *body;
    size_t body_size;
};

/* Parses a function's stdout, in place: header names and values end up
 * NUL-terminated inside output.  Status: sets the status (200-599),
 * Location: without it means 302, and the server's own framing headers
 * (Content-Length, Transfer-Encoding, Connection) are dropped.  Returns 0,
 * or -1 with the reason in error when the answer is not CGI. */
int cgi_parse_response(uint8_t *output, size_t size, struct cgi_response *response, char *error,
                       size_t error_size);

#endif
