#include "admin.h"

#include <jansson.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "common/report.h"
#include "fleet.h"
#include "listen_address.h"

#define STATS_PATH                "/_kiln/stats"
#define JSON_TYPE                 "application/json"
#define TEXT_PLAIN                "text/plain; charset=utf-8"
#define STATS_FORMAT              JSON_INDENT(2)
#define IDLE_CONNECTION_TIMEOUT_S 60

#define NOT_FOUND_TEXT      "404 Not Found: the admin listener answers GET " STATS_PATH "\n"
#define NOT_ALLOWED_TEXT    "405 Method Not Allowed: " STATS_PATH " answers GET\n"
#define INTERNAL_ERROR_TEXT "500 Internal Server Error\n"

struct admin {
    struct MHD_Daemon *daemon;
    struct route_table *table;
    struct fleet *fleet;
    uint16_t port;
};

/* An average for the stats, 0 when there is nothing to average. */
static uint64_t per(uint64_t total, uint64_t count)
{
    return count > 0 ? total / count : 0;
}

struct figure {
    const char *name;
    uint64_t value;
};

static json_t *route_json(const struct route_stats *route)
{
    const struct pool_stats *s = &route->stats;
    const struct figure figures[] = {
        {"vms", s->vms},
        {"requests", s->jobs},
        {"p50_us", s->p50_us},
        {"p99_us", s->p99_us},
        {"resets", s->resets},
        {"reset_us_avg", per(s->reset_ns, s->resets) / NS_PER_US},
        {"reset_pages_avg", per(s->reset_pages, s->resets)},
        {"rebuilds", s->rebuilds},
        {"cold_starts", s->cold_starts},
        {"private_bytes_per_vm", per(s->private_bytes, s->vms)},
        {"private_bytes", s->private_bytes},
        {"shared_bytes", s->shared_bytes},
    };
    json_t *object = json_pack("{s:s, s:s, s:b}", "route", route->prefix, "target", route->target,
                               "from_functions", route->from_functions);
    for (size_t i = 0; object != NULL && i < sizeof figures / sizeof figures[0]; i++) {
        json_t *value = json_integer((json_int_t)figures[i].value);
        if (json_object_set_new(object, figures[i].name, value) < 0) {
            json_decref(object);
            object = NULL;
        }
    }
    return object;
}

/* The document GET /_kiln/stats answers, or NULL. */
static json_t *stats_json(const struct admin *admin, const struct route_stats *stats, long count)
{
    fleet_lock(admin->fleet);
    uint64_t vms = fleet_vms(admin->fleet);
    fleet_unlock(admin->fleet);
    json_t *root = json_pack("{s:I, s:I, s:[]}", "max_vms", (json_int_t)fleet_max_vms(admin->fleet),
                             "vms", (json_int_t)vms, "routes");
    json_t *routes = json_object_get(root, "routes");
    for (long i = 0; routes != NULL && i < count; i++) {
        if (json_array_append_new(routes, route_json(&stats[i])) < 0)
            routes = NULL;
    }
    if (routes == NULL) {
        json_decref(root);
        return NULL;
    }
    return root;
}

/* The document as text and a newline, so that curl's output ends its line. */
static char *json_line(const json_t *root, size_t *size)
{
    size_t json_size = json_dumpb(root, NULL, 0, STATS_FORMAT);
    char *text = json_size > 0 ? malloc(json_size + 1) : NULL;
    if (text == NULL)
        return NULL;
    json_dumpb(root, text, json_size, STATS_FORMAT);
    text[json_size] = '\n';
    *size = json_size + 1;
    return text;
}

/* NULL when out of memory, or when a route or target is not UTF-8, which
 * JSON cannot carry (reported). */
static char *stats_text(const struct admin *admin, size_t *size)
{
    struct route_stats *stats;
    long count = route_table_stats(admin->table, &stats);
    if (count < 0)
        return NULL;
    json_t *root = stats_json(admin, stats, count);
    free(stats);
    char *text = root != NULL ? json_line(root, size) : NULL;
    json_decref(root);
    if (text == NULL)
        report("serve: admin: cannot write " STATS_PATH ": out of memory, or a route or target "
               "that is not UTF-8");
    return text;
}

static enum MHD_Result queue(struct MHD_Connection *connection, unsigned status,
                             struct MHD_Response *response, const char *content_type)
{
    if (response == NULL)
        return MHD_NO;
    MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE, content_type);
    enum MHD_Result rc = MHD_queue_response(connection, status, response);
    MHD_destroy_response(response);
    return rc;
}

static struct MHD_Response *text_response(const char *text)
{
    return MHD_create_response_from_buffer(strlen(text), (void *)text, MHD_RESPMEM_PERSISTENT);
}

static enum MHD_Result answer_stats(struct admin *admin, struct MHD_Connection *connection)
{
    size_t size;
    char *text = stats_text(admin, &size);
    if (text == NULL)
        return queue(connection, MHD_HTTP_INTERNAL_SERVER_ERROR, text_response(INTERNAL_ERROR_TEXT),
                     TEXT_PLAIN);
    struct MHD_Response *response =
        MHD_create_response_from_buffer(size, text, MHD_RESPMEM_MUST_FREE);
    if (response == NULL)
        free(text);
    return queue(connection, MHD_HTTP_OK, response, JSON_TYPE);
}

static enum MHD_Result answer_not_allowed(struct MHD_Connection *connection)
{
    struct MHD_Response *response = text_response(NOT_ALLOWED_TEXT);
    if (response != NULL)
        MHD_add_response_header(response, MHD_HTTP_HEADER_ALLOW, MHD_HTTP_METHOD_GET);
    return queue(connection, MHD_HTTP_METHOD_NOT_ALLOWED, response, TEXT_PLAIN);
}

/* A refusal goes at once, and libmicrohttpd closes its connection; the
 * stats go once the request is read, so that a poller keeps its
 * connection.  A body, which GET has no use for, is dropped. */
static enum MHD_Result on_request(void *cls, struct MHD_Connection *connection, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **context)
{
    (void)version;
    (void)upload_data;
    if (strcmp(url, STATS_PATH) != 0)
        return queue(connection, MHD_HTTP_NOT_FOUND, text_response(NOT_FOUND_TEXT), TEXT_PLAIN);
    if (strcmp(method, MHD_HTTP_METHOD_GET) != 0)
        return answer_not_allowed(connection);
    if (*context == NULL) {
        *context = connection; /* the headers are in */
        return MHD_YES;
    }
    if (*upload_data_size > 0) {
        *upload_data_size = 0;
        return MHD_YES;
    }
    return answer_stats(cls, connection);
}

static void on_library_message(void *cls, const char *fmt, va_list ap)
{
    char message[512];
    (void)cls;
    vsnprintf(message, sizeof message, fmt, ap);
    report("admin: http: %s", message);
}

static struct MHD_Daemon *start_daemon(struct admin *admin, const struct admin_options *options)
{
    union listen_address address;
    listen_address_make(options->host, options->ipv6, options->port, &address);
    unsigned flags =
        MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ERROR_LOG | (options->ipv6 ? MHD_USE_IPv6 : 0);
    /* The logger first, or libmicrohttpd logs the options before it itself. */
    return MHD_start_daemon(flags, options->port, NULL, NULL, on_request, admin,
                            MHD_OPTION_EXTERNAL_LOGGER, on_library_message, admin,
                            MHD_OPTION_SOCK_ADDR, &address.any, MHD_OPTION_CONNECTION_TIMEOUT,
                            (unsigned)IDLE_CONNECTION_TIMEOUT_S, MHD_OPTION_END);
}

struct admin *admin_start(const struct admin_options *options)
{
    struct admin *admin = calloc(1, sizeof *admin);
    if (admin == NULL) {
        report("serve: out of memory");
        return NULL;
    }
    *admin = (struct admin){.table = options->table, .fleet = options->fleet};
    admin->daemon = start_daemon(admin, options);
    if (admin->daemon == NULL) {
        report("serve: --admin: cannot listen on %s%s%s:%u", options->ipv6 ? "[" : "",
               options->host, options->ipv6 ? "]" : "", options->port);
        free(admin);
        return NULL;
    }
    const union MHD_DaemonInfo *info =
        MHD_get_daemon_info(admin->daemon, MHD_DAEMON_INFO_BIND_PORT);
    admin->port = info != NULL ? info->port : 0;
    return admin;
}

uint16_t admin_port(const struct admin *admin)
{
    return admin->port;
}

void admin_stop(struct admin *admin)
{
    MHD_stop_daemon(admin->daemon);
    free(admin);
}
