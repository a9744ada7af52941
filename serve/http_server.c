#include "http_server.h"

#include <inttypes.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgi.h"
#include "common/array_grow.h"
#include "common/clock.h"
#include "common/report.h"
#include "http_answer.h"
#include "http_request.h"
#include "listen_address.h"
#include "pool.h"

#define NAME_SIZE                 (ROUTE_PREFIX_MAX + 32)
#define FIRST_BODY_CAPACITY       4096
#define IDLE_CONNECTION_TIMEOUT_S 60

struct http_server {
    struct MHD_Daemon *daemon;
    struct route_table *table;
    uint64_t max_body;
    const char *host;
    uint16_t port;
    atomic_uint_fast64_t last_id;
    atomic_bool closing;
    pthread_mutex_t lock;
    pthread_cond_t idle; /* in_flight fell to 0 */
    unsigned in_flight;
};

/* One request and its answer.  The worker that runs the job writes its
 * results and job_done before it resumes the connection; libmicrohttpd's
 * own lock orders that before the thread that reads them. */
struct exchange {
    struct http_server *server;
    struct MHD_Connection *connection;
    uint64_t id;
    int64_t start_ns;
    char *uri;
    char *method;
    struct pool *pool; /* held, from routing to the end */
    char prefix[ROUTE_PREFIX_MAX];
    bool started;
    bool too_large;
    bool job_done;
    uint8_t *body;
    size_t body_size;
    size_t body_capacity;
    char **env;
    struct pool_job job;
    struct http_answer answer;
    char name[NAME_SIZE];
};

static enum MHD_Result queue(struct exchange *ex, struct MHD_Response *response,
                             const struct http_answer *answer)
{
    if (response == NULL)
        return MHD_NO;
    if (atomic_load(&ex->server->closing))
        MHD_add_response_header(response, MHD_HTTP_HEADER_CONNECTION, "close");
    ex->answer = *answer;
    enum MHD_Result rc = MHD_queue_response(ex->connection, answer->status, response);
    MHD_destroy_response(response);
    return rc;
}

static enum MHD_Result queue_error(struct exchange *ex, unsigned status)
{
    struct http_answer answer;
    struct MHD_Response *response = http_answer_error(status, &answer);
    return queue(ex, response, &answer);
}

static void name_exchange(struct exchange *ex)
{
    if (ex->pool == NULL)
        snprintf(ex->name, sizeof ex->name, "#%" PRIu64, ex->id);
    else
        snprintf(ex->name, sizeof ex->name, "%s #%" PRIu64, ex->prefix[0] ? ex->prefix : "/",
                 ex->id);
}

static bool declared_too_large(const struct exchange *ex)
{
    const char *length = MHD_lookup_connection_value(ex->connection, MHD_HEADER_KIND,
                                                     MHD_HTTP_HEADER_CONTENT_LENGTH);
    return length != NULL && strtoull(length, NULL, 10) > ex->server->max_body;
}

/* The headers are in: route it, and refuse early what will not be run. */
static enum MHD_Result begin(struct exchange *ex, const char *url, const char *method)
{
    struct http_server *server = ex->server;
    ex->started = true;
    ex->method = strdup(method);
    ex->pool = route_table_find(server->table, url, ex->prefix);
    name_exchange(ex);
    if (ex->method == NULL)
        return MHD_NO;
    if (atomic_load(&server->closing))
        return queue_error(ex, MHD_HTTP_SERVICE_UNAVAILABLE);
    if (ex->pool == NULL)
        return queue_error(ex, MHD_HTTP_NOT_FOUND);
    if (declared_too_large(ex))
        return queue_error(ex, MHD_HTTP_CONTENT_TOO_LARGE);
    return MHD_YES;
}

/* Past the limit the body is dropped as it comes, and answered with 413. */
static enum MHD_Result take_body(struct exchange *ex, const char *data, size_t size)
{
    if (ex->too_large || size > ex->server->max_body - ex->body_size) {
        ex->too_large = true;
        return MHD_YES;
    }
    uint8_t *body =
        array_grow(ex->body, &ex->body_capacity, ex->body_size + size, 1, FIRST_BODY_CAPACITY);
    if (body == NULL)
        return MHD_NO;
    ex->body = body;
    memcpy(ex->body + ex->body_size, data, size);
    ex->body_size += size;
    return MHD_YES;
}

static void on_job_done(struct pool_job *job)
{
    struct exchange *ex = (struct exchange *)((char *)job - offsetof(struct exchange, job));
    ex->job_done = true;
    MHD_resume_connection(ex->connection);
}

/* The whole request is in: hand it to the route's pool and wait. */
static enum MHD_Result run(struct exchange *ex, const char *url, const char *version)
{
    struct http_server *server = ex->server;
    struct http_request request = {
        .method = ex->method,
        .version = version,
        .uri = ex->uri,
        .script_name = ex->prefix,
        .path_info = url + strlen(ex->prefix),
        .server_host = server->host,
        .server_port = server->port,
        .body_size = ex->body_size,
    };
    ex->env = http_request_environment(ex->connection, &request);
    if (ex->env == NULL)
        return queue_error(ex, MHD_HTTP_INTERNAL_SERVER_ERROR);
    ex->job = (struct pool_job){
        .env = ex->env,
        .body = ex->body,
        .body_size = ex->body_size,
        .name = ex->name,
        .done = on_job_done,
    };
    MHD_suspend_connection(ex->connection);
    pool_submit(ex->pool, &ex->job);
    return MHD_YES;
}

static enum MHD_Result answer(struct exchange *ex)
{
    struct http_answer answer;
    struct MHD_Response *response = http_answer_job(&ex->job, &answer);
    return queue(ex, response, &answer);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *connection, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **context)
{
    struct exchange *ex = *context;
    (void)cls;
    if (ex == NULL)
        return MHD_NO;
    ex->connection = connection;
    if (!ex->started)
        return begin(ex, url, method);
    if (*upload_data_size > 0) {
        enum MHD_Result rc = take_body(ex, upload_data, *upload_data_size);
        *upload_data_size = 0;
        return rc;
    }
    if (ex->job_done)
        return answer(ex);
    if (ex->too_large)
        return queue_error(ex, MHD_HTTP_CONTENT_TOO_LARGE);
    return run(ex, url, version);
}

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *connection)
{
    struct http_server *server = cls;
    struct exchange *ex = calloc(1, sizeof *ex);
    (void)connection;
    if (ex == NULL)
        return NULL;
    ex->uri = strdup(uri);
    if (ex->uri == NULL) {
        free(ex);
        return NULL;
    }
    ex->server = server;
    ex->id = atomic_fetch_add(&server->last_id, 1) + 1;
    ex->start_ns = clock_ns(CLOCK_MONOTONIC);
    pthread_mutex_lock(&server->lock);
    server->in_flight++;
    pthread_mutex_unlock(&server->lock);
    return ex;
}

static void log_access(const struct exchange *ex)
{
    int64_t us = (clock_ns(CLOCK_MONOTONIC) - ex->start_ns) / NS_PER_US;
    if (ex->answer.status == 0)
        report("#%" PRIu64 ": %s %s: no answer (bad request or client gone) %" PRId64 " us", ex->id,
               ex->method ? ex->method : "-", ex->uri, us);
    else
        report("%s: %s %s %u %" PRIu64 " bytes %" PRId64 " us", ex->name, ex->method, ex->uri,
               ex->answer.status, ex->answer.bytes, us);
}

static void on_completed(void *cls, struct MHD_Connection *connection, void **context,
                         enum MHD_RequestTerminationCode why)
{
    struct http_server *server = cls;
    struct exchange *ex = *context;
    (void)connection;
    (void)why;
    if (ex == NULL)
        return;
    log_access(ex);
    if (ex->pool != NULL)
        pool_put(ex->pool);
    cgi_environment_free(ex->env);
    free(ex->job.output);
    free(ex->body);
    free(ex->method);
    free(ex->uri);
    free(ex);
    *context = NULL;
    pthread_mutex_lock(&server->lock);
    if (--server->in_flight == 0)
        pthread_cond_broadcast(&server->idle);
    pthread_mutex_unlock(&server->lock);
}

static void on_library_message(void *cls, const char *fmt, va_list ap)
{
    char message[512];
    (void)cls;
    vsnprintf(message, sizeof message, fmt, ap);
    report("http: %s", message);
}

static struct MHD_Daemon *start_daemon(struct http_server *server,
                                       const struct http_server_options *options)
{
    union listen_address address;
    listen_address_make(options->host, options->ipv6, options->port, &address);
    unsigned flags = MHD_USE_AUTO_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG |
                     (options->ipv6 ? MHD_USE_IPv6 : 0);
    /* The logger first, or libmicrohttpd logs the options before it itself. */
    return MHD_start_daemon(
        flags, options->port, NULL, NULL, on_request, server, MHD_OPTION_EXTERNAL_LOGGER,
        on_library_message, server, MHD_OPTION_SOCK_ADDR, &address.any, MHD_OPTION_URI_LOG_CALLBACK,
        on_uri, server, MHD_OPTION_NOTIFY_COMPLETED, on_completed, server,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)IDLE_CONNECTION_TIMEOUT_S, MHD_OPTION_END);
}

static uint16_t bound_port(struct MHD_Daemon *daemon)
{
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT);
    return info != NULL ? info->port : 0;
}

struct http_server *http_server_start(const struct http_server_options *options)
{
    struct http_server *server = calloc(1, sizeof *server);
    if (server == NULL) {
        report("serve: out of memory");
        return NULL;
    }
    *server = (struct http_server){
        .table = options->table,
        .max_body = options->max_body,
        .host = options->host,
    };
    pthread_mutex_init(&server->lock, NULL);
    pthread_cond_init(&server->idle, NULL);
    server->daemon = start_daemon(server, options);
    if (server->daemon == NULL) {
        report("serve: cannot listen on %s%s%s:%u", options->ipv6 ? "[" : "", options->host,
               options->ipv6 ? "]" : "", options->port);
        http_server_stop(server);
        return NULL;
    }
    server->port = bound_port(server->daemon);
    return server;
}

uint16_t http_server_port(const struct http_server *server)
{
    return server->port;
}

/* Requests that come after this get 503; those in flight run to their
 * end, and every answer from now on closes its connection. */
void http_server_stop(struct http_server *server)
{
    if (server->daemon != NULL) {
        atomic_store(&server->closing, true);
        MHD_socket listener = MHD_quiesce_daemon(server->daemon);
        pthread_mutex_lock(&server->lock);
        while (server->in_flight > 0)
            pthread_cond_wait(&server->idle, &server->lock);
        pthread_mutex_unlock(&server->lock);
        MHD_stop_daemon(server->daemon);
        /* Ours to close once quiesced, but only after the daemon's threads are gone. */
        if (listener != MHD_INVALID_SOCKET)
            close(listener);
    }
    pthread_mutex_destroy(&server->lock);
    pthread_cond_destroy(&server->idle);
    free(server);
}
