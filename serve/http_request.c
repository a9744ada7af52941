#include "http_request.h"

#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "cgi.h"

#define PORT_TEXT 8

struct header_list {
    struct cgi_header *headers;
    size_t count;
};

static enum MHD_Result collect_header(void *cls, enum MHD_ValueKind kind, const char *name,
                                      const char *value)
{
    struct header_list *list = cls;
    (void)kind;
    list->headers[list->count++] = (struct cgi_header){name, value ? value : ""};
    return MHD_YES;
}

static void client_address(struct MHD_Connection *connection, char *host, size_t host_size,
                           char *port, size_t port_size)
{
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    snprintf(host, host_size, "%s", "");
    snprintf(port, port_size, "%s", "");
    if (info == NULL || info->client_addr == NULL)
        return;
    socklen_t len = info->client_addr->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6)
                                                             : sizeof(struct sockaddr_in);
    getnameinfo(info->client_addr, len, host, (socklen_t)host_size, port, (socklen_t)port_size,
                NI_NUMERICHOST | NI_NUMERICSERV);
}

/* Host's name without its port ("[::1]" keeps its brackets), or the
 * address the server listens on when the client sent no Host. */
static void server_name(struct MHD_Connection *connection, const char *fallback, char *name,
                        size_t size)
{
    const char *host =
        MHD_lookup_connection_value(connection, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST);
    if (host == NULL || *host == '\0')
        host = fallback;
    const char *end = host[0] == '[' ? strchr(host, ']') : strchr(host, ':');
    size_t len = end == NULL ? strlen(host) : (size_t)(end - host) + (host[0] == '[');
    snprintf(name, size, "%.*s", (int)len, host);
}

char **http_request_environment(struct MHD_Connection *connection,
                                const struct http_request *request)
{
    char remote_host[NI_MAXHOST], remote_port[NI_MAXSERV], name[NI_MAXHOST], port[PORT_TEXT];
    int count = MHD_get_connection_values(connection, MHD_HEADER_KIND, NULL, NULL);
    struct header_list list = {calloc((size_t)(count > 0 ? count : 1), sizeof *list.headers), 0};
    if (list.headers == NULL)
        return NULL;
    MHD_get_connection_values(connection, MHD_HEADER_KIND, collect_header, &list);
    client_address(connection, remote_host, sizeof remote_host, remote_port, sizeof remote_port);
    server_name(connection, request->server_host, name, sizeof name);
    snprintf(port, sizeof port, "%u", request->server_port);
    const char *query = strchr(request->uri, '?');
    struct cgi_request cgi = {
        .method = request->method,
        .script_name = request->script_name,
        .path_info = request->path_info,
        .query = query ? query + 1 : "",
        .request_uri = request->uri,
        .protocol = request->version,
        .server_name = name,
        .server_port = port,
        .remote_addr = remote_host,
        .remote_port = remote_port,
        .content_type =
            MHD_lookup_connection_value(connection, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE),
        .content_length = request->body_size,
        .headers = list.headers,
        .header_count = list.count,
    };
    char **env = cgi_environment(&cgi);
    free(list.headers);
    return env;
}
