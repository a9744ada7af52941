/*
 * The floor for kiln serve: the same function served through the same
 * libmicrohttpd, configured as serve/http_server.c configures it (its own
 * thread; no suspend and resume, which only kiln's workers need), but
 * called in-process with no isolation at all.  The function's main is
 * linked in (compiled with -Dmain=function_main) and called once per
 * request with the CGI environment kiln serve builds (serve/http_request.c,
 * serve/cgi.c), the body as stdin and stdout caught in memory; its answer
 * is parsed by kiln's own CGI parser.  kiln serve's ratio to this is the
 * price of isolation and nothing else.  Nothing is reset: the function's
 * globals and heap carry over from one request to the next.
 *
 *   serve_floor PORT PREFIX   (serve_floor 18082 /counter)
 */
#include <microhttpd.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/array_grow.h"
#include "serve/cgi.h"
#include "serve/http_request.h"

#define FIRST_BODY_CAPACITY       4096
#define IDLE_CONNECTION_TIMEOUT_S 60
#define ERROR_SIZE                256
#define LOG_LINE_SIZE             512

int function_main(void);

struct floor {
    const char *prefix;
    uint16_t port;
    /* The function reads stdin, writes stdout and getenv()s environ:
     * process globals, swapped per call, so one call at a time.  That is
     * the honest in-process floor; kiln serve's VMs run calls side by
     * side. */
    pthread_mutex_t call_lock;
};

struct exchange {
    char *uri; /* raw, with the query, as the client sent it */
    bool started;
    uint8_t *body;
    size_t body_size;
    size_t body_capacity;
};

struct function_output {
    char *bytes;
    size_t size;
    int exit_status;
};

static int call_function(char **env, const uint8_t *body, size_t body_size,
                         struct function_output *output)
{
    /* fmemopen wants a buffer even for no bytes. */
    static const char no_body[1];
    FILE *in = fmemopen(body_size ? (void *)body : (void *)no_body, body_size, "r");
    FILE *out = open_memstream(&output->bytes, &output->size);
    if (in == NULL || out == NULL) {
        if (in != NULL)
            fclose(in);
        if (out != NULL)
            fclose(out);
        return -1;
    }
    FILE *saved_in = stdin, *saved_out = stdout;
    char **saved_env = environ;
    stdin = in;
    stdout = out;
    environ = env;
    output->exit_status = function_main();
    stdin = saved_in;
    stdout = saved_out;
    environ = saved_env;
    fclose(in);
    return fclose(out);
}

static enum MHD_Result queue_text(struct MHD_Connection *connection, unsigned status,
                                  const char *text)
{
    struct MHD_Response *response =
        MHD_create_response_from_buffer(strlen(text), (void *)text, MHD_RESPMEM_PERSISTENT);
    if (response == NULL)
        return MHD_NO;
    enum MHD_Result rc = MHD_queue_response(connection, status, response);
    MHD_destroy_response(response);
    return rc;
}

static enum MHD_Result queue_cgi(struct MHD_Connection *connection, struct function_output *output)
{
    char why[ERROR_SIZE];
    struct cgi_response cgi;
    if (cgi_parse_response((uint8_t *)output->bytes, output->size, &cgi, why, sizeof why) != 0) {
        fprintf(stderr, "serve_floor: the function's answer is not CGI: %s\n", why);
        return queue_text(connection, MHD_HTTP_BAD_GATEWAY, "502 Bad Gateway\n");
    }
    struct MHD_Response *response =
        MHD_create_response_from_buffer(cgi.body_size, (void *)cgi.body, MHD_RESPMEM_MUST_COPY);
    if (response == NULL)
        return MHD_NO;
    for (size_t i = 0; i < cgi.header_count; i++)
        MHD_add_response_header(response, cgi.headers[i].name, cgi.headers[i].value);
    enum MHD_Result rc = MHD_queue_response(connection, cgi.status, response);
    MHD_destroy_response(response);
    return rc;
}

/* kiln serve writes one access line per request with one write(2); the
 * floor does too, so that the ratio leaves it out. */
static void log_access(const char *method, const char *uri, size_t bytes)
{
    char line[LOG_LINE_SIZE];
    int len = snprintf(line, sizeof line, "serve_floor: %s %s %zu bytes\n", method, uri, bytes);
    if (len > 0 && write(STDERR_FILENO, line, (size_t)len) < 0)
        return;
}

static enum MHD_Result run(struct floor *floor, struct MHD_Connection *connection,
                           const struct exchange *ex, const char *url, const char *method,
                           const char *version)
{
    struct http_request request = {
        .method = method,
        .version = version,
        .uri = ex->uri,
        .script_name = floor->prefix,
        .path_info = url + strlen(floor->prefix),
        .server_host = "127.0.0.1",
        .server_port = floor->port,
        .body_size = ex->body_size,
    };
    char **env = http_request_environment(connection, &request);
    if (env == NULL)
        return MHD_NO;
    struct function_output output = {NULL, 0, 0};
    pthread_mutex_lock(&floor->call_lock);
    int rc = call_function(env, ex->body, ex->body_size, &output);
    pthread_mutex_unlock(&floor->call_lock);
    cgi_environment_free(env);
    if (rc == 0 && output.exit_status != 0)
        fprintf(stderr, "serve_floor: the function exited with status %d\n", output.exit_status);
    enum MHD_Result queued =
        rc == 0 ? queue_cgi(connection, &output)
                : queue_text(connection, MHD_HTTP_INTERNAL_SERVER_ERROR, "500 Internal\n");
    log_access(method, ex->uri, output.size);
    free(output.bytes);
    return queued;
}

static enum MHD_Result take_body(struct exchange *ex, const char *data, size_t size)
{
    uint8_t *body =
        array_grow(ex->body, &ex->body_capacity, ex->body_size + size, 1, FIRST_BODY_CAPACITY);
    if (body == NULL)
        return MHD_NO;
    ex->body = body;
    memcpy(ex->body + ex->body_size, data, size);
    ex->body_size += size;
    return MHD_YES;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *connection, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **context)
{
    struct floor *floor = cls;
    struct exchange *ex = *context;
    if (ex == NULL)
        return MHD_NO;
    if (!ex->started) {
        size_t prefix_len = strlen(floor->prefix);
        ex->started = true;
        if (strncmp(url, floor->prefix, prefix_len) != 0 ||
            (url[prefix_len] != '\0' && url[prefix_len] != '/'))
            return queue_text(connection, MHD_HTTP_NOT_FOUND, "404 Not Found\n");
        return MHD_YES;
    }
    if (*upload_data_size > 0) {
        enum MHD_Result rc = take_body(ex, upload_data, *upload_data_size);
        *upload_data_size = 0;
        return rc;
    }
    return run(floor, connection, ex, url, method, version);
}

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *connection)
{
    struct exchange *ex = calloc(1, sizeof *ex);
    (void)cls;
    (void)connection;
    if (ex == NULL)
        return NULL;
    ex->uri = strdup(uri);
    if (ex->uri == NULL) {
        free(ex);
        return NULL;
    }
    return ex;
}

static void on_completed(void *cls, struct MHD_Connection *connection, void **context,
                         enum MHD_RequestTerminationCode why)
{
    struct exchange *ex = *context;
    (void)cls;
    (void)connection;
    (void)why;
    if (ex == NULL)
        return;
    free(ex->body);
    free(ex->uri);
    free(ex);
    *context = NULL;
}

int main(int argc, char **argv)
{
    if (argc != 3 || argv[2][0] != '/') {
        fprintf(stderr, "usage: serve_floor PORT /PREFIX\n");
        return 2;
    }
    struct floor floor = {.prefix = argv[2], .port = (uint16_t)atoi(argv[1])};
    pthread_mutex_init(&floor.call_lock, NULL);
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    /* Blocked before libmicrohttpd's thread starts, so that it inherits
     * the mask and sigwait() below gets the signal. */
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    struct MHD_Daemon *daemon = MHD_start_daemon(
        MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ERROR_LOG, floor.port, NULL, NULL, on_request,
        &floor, MHD_OPTION_URI_LOG_CALLBACK, on_uri, &floor, MHD_OPTION_NOTIFY_COMPLETED,
        on_completed, &floor, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)IDLE_CONNECTION_TIMEOUT_S,
        MHD_OPTION_END);
    if (daemon == NULL) {
        fprintf(stderr, "serve_floor: cannot listen on port %u\n", floor.port);
        return 1;
    }
    int signo;
    sigwait(&stop, &signo);
    MHD_stop_daemon(daemon);
    pthread_mutex_destroy(&floor.call_lock);
    return 0;
}
