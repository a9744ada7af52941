#include "cgi.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <kiln/version.h>

#define HTTP_PREFIX   "HTTP_"
#define HEADER_JOIN   ", "
#define STATUS_OK     200
#define STATUS_FOUND  302
#define STATUS_MIN    200
#define STATUS_MAX    599
#define STATUS_DIGITS 3

/* add_fixed()'s twelve variables and add_body()'s two. */
#define FIXED_VARIABLES 14

struct env_builder {
    char **vars;
    size_t count;
    bool failed;
};

static void add(struct env_builder *env, const char *name, const char *value)
{
    if (env->failed)
        return;
    if (asprintf(&env->vars[env->count], "%s=%s", name, value) < 0) {
        env->vars[env->count] = NULL;
        env->failed = true;
        return;
    }
    env->count++;
}

static bool usable_header_name(const char *name)
{
    if (*name == '\0' || strcasecmp(name, "Proxy") == 0 || strcasecmp(name, "Content-Type") == 0 ||
        strcasecmp(name, "Content-Length") == 0)
        return false;
    for (; *name; name++)
        if (!isalnum((unsigned char)*name) && *name != '-')
            return false;
    return true;
}

/* "HTTP_X_FORWARDED_FOR" for "X-Forwarded-For". */
static void http_name(const char *header, char *name, size_t size)
{
    size_t at = strlen(HTTP_PREFIX);
    memcpy(name, HTTP_PREFIX, at);
    for (; *header && at + 1 < size; header++)
        name[at++] = *header == '-' ? '_' : (char)toupper((unsigned char)*header);
    name[at] = '\0';
}

static char **find_var(struct env_builder *env, const char *name)
{
    size_t len = strlen(name);
    for (size_t i = 0; i < env->count; i++)
        if (strncmp(env->vars[i], name, len) == 0 && env->vars[i][len] == '=')
            return &env->vars[i];
    return NULL;
}

static void add_header(struct env_builder *env, const struct cgi_header *header)
{
    char name[256];
    if (env->failed || !usable_header_name(header->name) ||
        strlen(header->name) + strlen(HTTP_PREFIX) >= sizeof name)
        return;
    http_name(header->name, name, sizeof name);
    char **existing = find_var(env, name);
    if (existing == NULL) {
        add(env, name, header->value);
        return;
    }
    char *joined;
    if (asprintf(&joined, "%s%s%s", *existing, HEADER_JOIN, header->value) < 0) {
        env->failed = true;
        return;
    }
    free(*existing);
    *existing = joined;
}

static void add_fixed(struct env_builder *env, const struct cgi_request *r)
{
    add(env, "GATEWAY_INTERFACE", "CGI/1.1");
    add(env, "SERVER_SOFTWARE", "kiln/" KILN_VERSION);
    add(env, "SERVER_PROTOCOL", r->protocol);
    add(env, "SERVER_NAME", r->server_name);
    add(env, "SERVER_PORT", r->server_port);
    add(env, "REQUEST_METHOD", r->method);
    add(env, "REQUEST_URI", r->request_uri);
    add(env, "SCRIPT_NAME", r->script_name);
    add(env, "PATH_INFO", r->path_info);
    add(env, "QUERY_STRING", r->query);
    add(env, "REMOTE_ADDR", r->remote_addr);
    add(env, "REMOTE_PORT", r->remote_port);
}

static void add_body(struct env_builder *env, const struct cgi_request *r)
{
    char length[32];
    if (r->content_type != NULL)
        add(env, "CONTENT_TYPE", r->content_type);
    if (r->content_length > 0) {
        snprintf(length, sizeof length, "%" PRIu64, r->content_length);
        add(env, "CONTENT_LENGTH", length);
    }
}

char **cgi_environment(const struct cgi_request *request)
{
    struct env_builder env = {
        .vars = calloc(FIXED_VARIABLES + request->header_count + 1, sizeof(char *))};
    if (env.vars == NULL)
        return NULL;
    add_fixed(&env, request);
    add_body(&env, request);
    for (size_t i = 0; i < request->header_count; i++)
        add_header(&env, &request->headers[i]);
    if (env.failed) {
        cgi_environment_free(env.vars);
        return NULL;
    }
    return env.vars;
}

void cgi_environment_free(char **env)
{
    if (env == NULL)
        return;
    for (char **var = env; *var != NULL; var++)
        free(*var);
    free(env);
}

__attribute__((format(printf, 3, 4))) static int malformed(char *error, size_t error_size,
                                                           const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(error, error_size, fmt, ap);
    va_end(ap);
    return -1;
}

static bool is_framing_header(const char *name)
{
    return strcasecmp(name, "Content-Length") == 0 || strcasecmp(name, "Transfer-Encoding") == 0 ||
           strcasecmp(name, "Connection") == 0;
}

static bool is_token(const char *text)
{
    if (*text == '\0')
        return false;
    for (; *text; text++)
        if (!isgraph((unsigned char)*text) || *text == ':')
            return false;
    return true;
}

/* "404 Not Found" or "404". */
static int parse_status(const char *value, unsigned *status, char *error, size_t error_size)
{
    unsigned code = 0;
    for (int i = 0; i < STATUS_DIGITS; i++) {
        if (!isdigit((unsigned char)value[i]))
            return malformed(error, error_size, "Status \"%s\" is not a 3-digit code", value);
        code = code * 10 + (unsigned)(value[i] - '0');
    }
    if (value[STATUS_DIGITS] != '\0' && value[STATUS_DIGITS] != ' ')
        return malformed(error, error_size, "Status \"%s\" is not a 3-digit code", value);
    if (code < STATUS_MIN || code > STATUS_MAX)
        return malformed(error, error_size, "Status %u is not between %d and %d", code, STATUS_MIN,
                         STATUS_MAX);
    *status = code;
    return 0;
}

static char *trim(char *start, char *end)
{
    while (start < end && (*start == ' ' || *start == '\t'))
        start++;
    while (end > start && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
        end--;
    *end = '\0';
    return start;
}

struct parse_state {
    bool has_status;
    bool has_location;
};

static int parse_header(char *line, char *end, struct cgi_response *response,
                        struct parse_state *state, char *error, size_t error_size)
{
    char *colon = memchr(line, ':', (size_t)(end - line));
    if (colon == NULL || line[0] == ' ' || line[0] == '\t')
        return malformed(error, error_size, "header line without a name and ':'");
    *colon = '\0';
    if (!is_token(line))
        return malformed(error, error_size, "header name \"%s\" is not a token", line);
    char *value = trim(colon + 1, end);
    if (strcasecmp(line, "Status") == 0) {
        state->has_status = true;
        return parse_status(value, &response->status, error, error_size);
    }
    state->has_location |= strcasecmp(line, "Location") == 0;
    if (is_framing_header(line))
        return 0;
    if (response->header_count == CGI_HEADERS_MAX)
        return malformed(error, error_size, "more than %d headers", CGI_HEADERS_MAX);
    response->headers[response->header_count++] = (struct cgi_header){line, value};
    return 0;
}

int cgi_parse_response(uint8_t *output, size_t size, struct cgi_response *response, char *error,
                       size_t error_size)
{
    char *at = (char *)output, *end = (char *)output + size;
    struct parse_state state = {false, false};
    *response = (struct cgi_response){.status = STATUS_OK};
    for (size_t lines = 0;; lines++) {
        char *newline = memchr(at, '\n', (size_t)(end - at));
        if (newline == NULL)
            return malformed(error, error_size,
                             size == 0 ? "no output" : "no blank line after the headers");
        char *line = at;
        at = newline + 1;
        if (newline == line || (newline == line + 1 && line[0] == '\r')) {
            if (lines == 0)
                return malformed(error, error_size, "no headers before the blank line");
            break;
        }
        if (parse_header(line, newline, response, &state, error, error_size) != 0)
            return -1;
    }
    if (state.has_location && !state.has_status)
        response->status = STATUS_FOUND;
    response->body = (const uint8_t *)at;
    response->body_size = (size_t)(end - at);
    return 0;
}
