#include "serve_options.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "option_parser.h"
#include "option_values.h"

enum {
    OPT_LISTEN = OPT_COMMAND_FIRST,
    OPT_ROUTE,
    OPT_WORKERS,
    OPT_MAX_BODY,
    OPT_DUMPCORE,
    OPT_FUNCTIONS,
    OPT_IDLE,
    OPT_MAX_VMS,
    OPT_ADMIN,
};

static const struct option_spec verbose_option = {'v', "verbose", NULL};
static const struct option_spec listen_option = {OPT_LISTEN, "listen", "ADDR:PORT"};
static const struct option_spec route_option = {OPT_ROUTE, "route",
                                                "/PATH=IMAGE.kiln or /PATH=APP.c"};
static const struct option_spec workers_option = {OPT_WORKERS, "workers", "a number"};
static const struct option_spec max_body_option = {OPT_MAX_BODY, "max-body",
                                                   "a size (e.g. 64K, 1M)"};
static const struct option_spec dumpcore_option = {OPT_DUMPCORE, "dumpcore", "a folder"};
static const struct option_spec functions_option = {OPT_FUNCTIONS, "functions", "a folder"};
static const struct option_spec idle_option = {OPT_IDLE, "idle", "a number of seconds"};
static const struct option_spec max_vms_option = {OPT_MAX_VMS, "max-vms", "a number"};
static const struct option_spec admin_option = {OPT_ADMIN, "admin", "ADDR:PORT"};

static const struct option_spec *const serve_options[OPTIONS_MAX] = {
    &help_option,     &verbose_option,  &listen_option, &route_option,   &functions_option,
    &workers_option,  &max_vms_option,  &idle_option,   &timeout_option, &mem_option,
    &max_body_option, &dumpcore_option, &admin_option,
};

/* Option handlers return 0, or -1 with the reason in the parser's error. */
static int listen_value(struct parser *parser, const char *value, struct serve_args *args)
{
    char why[OPTIONS_ERROR_SIZE];
    if (parse_listen(value, args->host, sizeof args->host, &args->port, why, sizeof why) < 0)
        return refuse(parser, "--listen: %s", why);
    args->ipv6 = value[0] == '[';
    return 0;
}

static int admin_value(struct parser *parser, const char *value, struct serve_args *args)
{
    char why[OPTIONS_ERROR_SIZE];
    if (parse_listen(value, args->admin_host, sizeof args->admin_host, &args->admin_port, why,
                     sizeof why) < 0)
        return refuse(parser, "--admin: %s", why);
    args->admin_ipv6 = value[0] == '[';
    args->has_admin = true;
    return 0;
}

/* Compared as addresses, not text: "::1" and "0::1" are one listener. */
static bool admin_is_public(const struct serve_args *args)
{
    unsigned char public[sizeof(struct in6_addr)], admin[sizeof(struct in6_addr)];
    int family = args->ipv6 ? AF_INET6 : AF_INET;
    size_t size = args->ipv6 ? sizeof(struct in6_addr) : sizeof(struct in_addr);
    if (!args->has_admin || args->admin_port == 0 || args->admin_port != args->port ||
        args->admin_ipv6 != args->ipv6)
        return false;
    inet_pton(family, args->host, public);
    inet_pton(family, args->admin_host, admin);
    return memcmp(public, admin, size) == 0;
}

static int add_route(struct parser *parser, struct serve_args *args, const char *spec)
{
    char why[OPTIONS_ERROR_SIZE];
    struct route *route = &args->routes[args->route_count];
    if (route_parse(spec, route, why, sizeof why) < 0)
        return refuse(parser, "--route: %s", why);
    args->route_count++;
    for (size_t i = 0; i + 1 < args->route_count; i++)
        if (strcmp(args->routes[i].prefix, route->prefix) == 0)
            return refuse(parser, "--route: two routes for \"%s\"", route_name(route));
    return 0;
}

static int max_body_value(struct parser *parser, const char *value, uint64_t *bytes)
{
    if (parse_size(value, bytes) < 0)
        return refuse(parser, "--max-body: \"%s\" is not a size (e.g. 64K, 1M)", value);
    return 0;
}

static int functions_value(struct parser *parser, const char *value, struct serve_args *args)
{
    if (args->functions_dir != NULL)
        return refuse(parser, "--functions given twice (kiln serve watches one folder)");
    return path_value(parser, "--functions", "a folder", value, &args->functions_dir);
}

static int idle_value(struct parser *parser, const char *value, uint64_t *ms)
{
    char why[OPTIONS_ERROR_SIZE];
    if (parse_timeout(value, ms, why, sizeof why) < 0)
        return refuse(parser, "--idle: %s", why);
    return 0;
}

static int serve_option(struct parser *parser, int code, const char *value, void *taken)
{
    struct serve_args *args = taken;
    switch (code) {
    case OPT_OPERAND:
        return refuse(parser,
                      "unexpected argument \"%s\" (routes are given with --route or --functions)",
                      value);
    case 'v':
        args->verbose = true;
        return 0;
    case OPT_LISTEN:
        return listen_value(parser, value, args);
    case OPT_ROUTE:
        return add_route(parser, args, value);
    case OPT_FUNCTIONS:
        return functions_value(parser, value, args);
    case OPT_WORKERS:
        return count_value(parser, "--workers", value, 1, SERVE_WORKERS_MAX, &args->workers);
    case OPT_MAX_VMS:
        return count_value(parser, "--max-vms", value, 1, SERVE_MAX_VMS_MAX, &args->max_vms);
    case OPT_IDLE:
        return idle_value(parser, value, &args->idle_ms);
    case OPT_ADMIN:
        return admin_value(parser, value, args);
    case OPT_TIMEOUT:
        return timeout_value(parser, value, &args->timeout_ms);
    case OPT_MEM:
        return mem_value(parser, value, &args->mem_size);
    case OPT_DUMPCORE:
        return path_value(parser, "--dumpcore", "a folder", value, &args->core_dir);
    default: /* OPT_MAX_BODY */
        return max_body_value(parser, value, &args->max_body);
    }
}

static int parse_serve_line(struct parser *parser, struct serve_args *args)
{
    if (read_options(parser, serve_option, args, &args->help) < 0)
        return -1;
    if (args->help)
        return 0;
    /* getopt takes "--" for the end of the options, but kiln serve takes
     * nothing else for it to set apart: it stays the unknown option it was. */
    if (parser->at < parser->argc)
        return unknown_option(parser, parser->argv[parser->at]);
    if (args->route_count == 0 && args->functions_dir == NULL)
        return refuse(parser, "no --route or --functions given (see kiln serve --help)");
    if (admin_is_public(args))
        return refuse(parser, "--admin must not be the public listener");
    return 0;
}

int options_parse_serve(int argc, char **argv, struct serve_args *args, char *error,
                        size_t error_size)
{
    struct parser parser = {.argc = argc,
                            .argv = argv,
                            .command = "serve",
                            .specs = &serve_options,
                            .error = error,
                            .error_size = error_size};
    parser_start(&parser);
    *args = (struct serve_args){
        .host = SERVE_DEFAULT_HOST,
        .port = SERVE_DEFAULT_PORT,
        .timeout_ms = SERVE_DEFAULT_TIMEOUT_MS,
        .max_body = SERVE_DEFAULT_MAX_BODY,
        .max_vms = SERVE_DEFAULT_MAX_VMS,
        .idle_ms = SERVE_DEFAULT_IDLE_MS,
    };
    args->routes = calloc((size_t)argc, sizeof *args->routes);
    if (args->routes == NULL)
        return refuse(&parser, "out of memory");
    if (parse_serve_line(&parser, args) < 0) {
        options_free_serve(args);
        return -1;
    }
    return 0;
}

void options_free_serve(struct serve_args *args)
{
    for (size_t i = 0; i < args->route_count; i++)
        route_free(&args->routes[i]);
    free(args->routes);
    *args = (struct serve_args){0};
}
