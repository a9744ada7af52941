#include "options.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kiln/abi.h>

#include "option_values.h"

#define SOURCE_SUFFIX ".c"

struct parser {
    int argc;
    char **argv;
    int next; /* index of the next argument to read */
    const char *command;
    char *error;
    size_t error_size;
};

/* Option handlers return 1 when they took the argument, 0 when it is not
 * theirs, -1 when it is theirs but wrong (reason in the parser's error). */
struct compile_flag {
    const char *flag;
    const char *value_name;
    int (*add)(struct parser *parser, struct compile_args *compile, const char *value);
};

__attribute__((format(printf, 2, 3))) static int refuse(struct parser *parser, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(parser->error, parser->error_size, fmt, ap);
    va_end(ap);
    return -1;
}

static int next_value(struct parser *parser, const char *name, const char *value_name,
                      const char **value)
{
    if (parser->next >= parser->argc)
        return refuse(parser, "%s needs %s", name, value_name);
    *value = parser->argv[parser->next++];
    return 1;
}

/* "-Ivalue" or "-I value". */
static int short_option(struct parser *parser, const char *arg, const char *flag,
                        const char *value_name, const char **value)
{
    size_t len = strlen(flag);
    if (strncmp(arg, flag, len) != 0)
        return 0;
    if (arg[len] != '\0') {
        *value = arg + len;
        return 1;
    }
    return next_value(parser, flag, value_name, value);
}

/* "--name=value" or "--name value". */
static int long_option(struct parser *parser, const char *arg, const char *name,
                       const char *value_name, const char **value)
{
    size_t len = strlen(name);
    if (strncmp(arg, name, len) != 0)
        return 0;
    if (arg[len] == '=') {
        *value = arg + len + 1;
        return 1;
    }
    if (arg[len] != '\0')
        return 0;
    return next_value(parser, name, value_name, value);
}

static bool has_suffix(const char *name, const char *suffix)
{
    size_t name_len = strlen(name);
    size_t suffix_len = strlen(suffix);
    return name_len > suffix_len && strcmp(name + name_len - suffix_len, suffix) == 0;
}

static bool is_option(const char *arg)
{
    return arg[0] == '-' && arg[1] != '\0';
}

static bool is_help(const char *arg)
{
    return strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0;
}

static int add_include_dir(struct parser *parser, struct compile_args *compile, const char *dir)
{
    if (*dir == '\0')
        return refuse(parser, "-I needs a directory");
    compile->cflags[compile->cflag_count++] = "-I";
    compile->cflags[compile->cflag_count++] = dir;
    return 1;
}

static int add_define(struct parser *parser, struct compile_args *compile, const char *macro)
{
    if (*macro == '\0' || *macro == '=')
        return refuse(parser, "-D: \"%s\" is not NAME or NAME=VALUE", macro);
    compile->cflags[compile->cflag_count++] = "-D";
    compile->cflags[compile->cflag_count++] = macro;
    return 1;
}

static int add_optimization(struct parser *parser, struct compile_args *compile, const char *level)
{
    static const char *const flags[] = {"-O0", "-O1", "-O2", "-O3", "-Os", "-Og"};
    for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++) {
        if (strcmp(level, flags[i] + 2) == 0) {
            compile->cflags[compile->cflag_count++] = flags[i];
            return 1;
        }
    }
    return refuse(parser, "-O: \"%s\" is not an optimization level (0, 1, 2, 3, s, g)", level);
}

static int add_library(struct parser *parser, struct compile_args *compile, const char *name)
{
    if (*name == '\0')
        return refuse(parser, "-l needs a library name");
    compile->libs[compile->lib_count++] = name;
    return 1;
}

static const struct compile_flag compile_flags[] = {
    {"-I", "a directory", add_include_dir},
    {"-D", "a macro (NAME or NAME=VALUE)", add_define},
    {"-O", "a level (0, 1, 2, 3, s, g)", add_optimization},
    {"-l", "a library name", add_library},
};

static int compile_option(struct parser *parser, const char *arg, struct compile_args *compile)
{
    const char *value = NULL;
    if (strcmp(arg, "-v") == 0) {
        compile->verbose = true;
        return 1;
    }
    for (size_t i = 0; i < sizeof compile_flags / sizeof compile_flags[0]; i++) {
        const struct compile_flag *flag = &compile_flags[i];
        int found = short_option(parser, arg, flag->flag, flag->value_name, &value);
        if (found != 0)
            return found < 0 ? -1 : flag->add(parser, compile, value);
    }
    return 0;
}

static int mem_option(struct parser *parser, const char *arg, uint64_t *bytes)
{
    char why[OPTIONS_ERROR_SIZE];
    const char *value;
    int found = long_option(parser, arg, "--mem", "a size (e.g. 64M, 1G)", &value);
    if (found <= 0)
        return found;
    if (parse_mem_size(value, bytes, why, sizeof why) < 0)
        return refuse(parser, "--mem: %s", why);
    return 1;
}

static int unknown_option(struct parser *parser, const char *arg)
{
    return refuse(parser, "unknown option \"%s\" (see kiln %s --help)", arg, parser->command);
}

/* Room for every argument, so that parsing never has to grow an array;
 * cflags take two slots for "-Idir" ("-I", "dir"). */
static int alloc_compile(struct parser *parser, struct compile_args *compile)
{
    size_t slots = (size_t)parser->argc + 1;
    compile->sources = calloc(slots, sizeof *compile->sources);
    compile->cflags = calloc(2 * slots, sizeof *compile->cflags);
    compile->libs = calloc(slots, sizeof *compile->libs);
    if (compile->sources == NULL || compile->cflags == NULL || compile->libs == NULL)
        return refuse(parser, "out of memory");
    return 0;
}

static void free_compile(struct compile_args *compile)
{
    free(compile->sources);
    free(compile->cflags);
    free(compile->libs);
}

static int build_option(struct parser *parser, const char *arg, struct build_args *args)
{
    int found = short_option(parser, arg, "-o", "an image file name", &args->output);
    if (found == 0)
        found = mem_option(parser, arg, &args->default_mem);
    if (found == 0)
        found = compile_option(parser, arg, &args->compile);
    return found == 0 ? unknown_option(parser, arg) : found;
}

static int parse_build_line(struct parser *parser, struct build_args *args)
{
    struct compile_args *compile = &args->compile;
    while (parser->next < parser->argc) {
        const char *arg = parser->argv[parser->next++];
        if (strcmp(arg, "--") == 0) {
            while (parser->next < parser->argc)
                compile->sources[compile->source_count++] = parser->argv[parser->next++];
        } else if (!is_option(arg)) {
            compile->sources[compile->source_count++] = arg;
        } else if (is_help(arg)) {
            args->help = true;
            return 0;
        } else if (build_option(parser, arg, args) < 0) {
            return -1;
        }
    }
    if (compile->source_count == 0)
        return refuse(parser, "no .c files given (see kiln build --help)");
    if (args->output != NULL && *args->output == '\0')
        return refuse(parser, "-o needs an image file name");
    return 0;
}

int options_parse_build(int argc, char **argv, struct build_args *args, char *error,
                        size_t error_size)
{
    struct parser parser = {argc, argv, 1, "build", error, error_size};
    *args = (struct build_args){.default_mem = KILN_MEM_DEFAULT};
    if (alloc_compile(&parser, &args->compile) < 0 || parse_build_line(&parser, args) < 0) {
        options_free_build(args);
        return -1;
    }
    return 0;
}

void options_free_build(struct build_args *args)
{
    free_compile(&args->compile);
    *args = (struct build_args){0};
}

/* NAME=VALUE; a second setting of NAME replaces the first. */
static int add_env(struct parser *parser, struct run_args *args, const char *setting)
{
    const char *equals = strchr(setting, '=');
    if (equals == NULL || equals == setting)
        return refuse(parser, "--env: \"%s\" is not NAME=VALUE", setting);
    size_t prefix = (size_t)(equals - setting) + 1;
    for (size_t i = 0; i < args->env_count; i++) {
        if (strncmp(args->env[i], setting, prefix) == 0) {
            args->env[i] = setting;
            return 1;
        }
    }
    args->env[args->env_count++] = setting;
    return 1;
}

static int timeout_option(struct parser *parser, const char *arg, uint64_t *ms)
{
    char why[OPTIONS_ERROR_SIZE];
    const char *value;
    int found = long_option(parser, arg, "--timeout", "a number of seconds", &value);
    if (found <= 0)
        return found;
    if (parse_timeout(value, ms, why, sizeof why) < 0)
        return refuse(parser, "--timeout: %s", why);
    return 1;
}

static int run_option(struct parser *parser, const char *arg, struct run_args *args)
{
    const char *setting;
    if (strcmp(arg, "--trace-boot") == 0) {
        args->trace_boot = true;
        return 1;
    }
    int found = mem_option(parser, arg, &args->mem_size);
    if (found == 0)
        found = timeout_option(parser, arg, &args->timeout_ms);
    if (found == 0) {
        found = long_option(parser, arg, "--env", "NAME=VALUE", &setting);
        if (found > 0)
            found = add_env(parser, args, setting);
    }
    if (found == 0)
        found = compile_option(parser, arg, &args->compile);
    return found == 0 ? unknown_option(parser, arg) : found;
}

/* One image, or any number of .c files; anything more is a mistake. */
static int run_target(struct parser *parser, const char *arg, struct run_args *args)
{
    struct compile_args *compile = &args->compile;
    bool is_source = has_suffix(arg, SOURCE_SUFFIX);
    if (args->image != NULL || (!is_source && compile->source_count > 0))
        return refuse(parser, "unexpected argument \"%s\" (the program's arguments go after --)",
                      arg);
    if (is_source)
        compile->sources[compile->source_count++] = arg;
    else
        args->image = arg;
    return 1;
}

static int parse_run_line(struct parser *parser, struct run_args *args)
{
    while (parser->next < parser->argc) {
        const char *arg = parser->argv[parser->next++];
        if (strcmp(arg, "--") == 0) {
            args->program_args = parser->argv + parser->next;
            args->program_arg_count = (size_t)(parser->argc - parser->next);
            break;
        }
        if (is_help(arg)) {
            args->help = true;
            return 0;
        }
        if ((is_option(arg) ? run_option(parser, arg, args) : run_target(parser, arg, args)) < 0)
            return -1;
    }
    if (args->image == NULL && args->compile.source_count == 0)
        return refuse(parser, "no image or .c file given (see kiln run --help)");
    return 0;
}

int options_parse_run(int argc, char **argv, struct run_args *args, char *error, size_t error_size)
{
    struct parser parser = {argc, argv, 1, "run", error, error_size};
    *args = (struct run_args){0};
    args->env = calloc((size_t)argc + 1, sizeof *args->env);
    if (args->env == NULL || alloc_compile(&parser, &args->compile) < 0 ||
        parse_run_line(&parser, args) < 0) {
        options_free_run(args);
        return -1;
    }
    return 0;
}

void options_free_run(struct run_args *args)
{
    free_compile(&args->compile);
    free(args->env);
    *args = (struct run_args){0};
}

static int listen_option(struct parser *parser, const char *arg, struct serve_args *args)
{
    char why[OPTIONS_ERROR_SIZE];
    const char *value;
    int found = long_option(parser, arg, "--listen", "ADDR:PORT", &value);
    if (found <= 0)
        return found;
    if (parse_listen(value, args->host, sizeof args->host, &args->port, why, sizeof why) < 0)
        return refuse(parser, "--listen: %s", why);
    args->ipv6 = value[0] == '[';
    return 1;
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
    return 1;
}

static int count_option(struct parser *parser, const char *arg, const char *name, uint64_t min,
                        uint64_t max, uint64_t *count)
{
    char why[OPTIONS_ERROR_SIZE];
    const char *value;
    int found = long_option(parser, arg, name, "a number", &value);
    if (found <= 0)
        return found;
    if (parse_count(value, min, max, count, why, sizeof why) < 0)
        return refuse(parser, "%s: %s", name, why);
    return 1;
}

static int max_body_option(struct parser *parser, const char *arg, uint64_t *bytes)
{
    const char *value;
    int found = long_option(parser, arg, "--max-body", "a size (e.g. 64K, 1M)", &value);
    if (found <= 0)
        return found;
    if (parse_size(value, bytes) < 0)
        return refuse(parser, "--max-body: \"%s\" is not a size (e.g. 64K, 1M)", value);
    return 1;
}

static int serve_option(struct parser *parser, const char *arg, struct serve_args *args)
{
    const char *spec;
    if (strcmp(arg, "-v") == 0 || strcmp(arg, "--verbose") == 0) {
        args->verbose = true;
        return 1;
    }
    int found = listen_option(parser, arg, args);
    if (found == 0) {
        found = long_option(parser, arg, "--route", "/PATH=IMAGE.kiln or /PATH=APP.c", &spec);
        if (found > 0)
            found = add_route(parser, args, spec);
    }
    if (found == 0)
        found = count_option(parser, arg, "--workers", 1, SERVE_WORKERS_MAX, &args->workers);
    if (found == 0)
        found = timeout_option(parser, arg, &args->timeout_ms);
    if (found == 0)
        found = mem_option(parser, arg, &args->mem_size);
    if (found == 0)
        found = max_body_option(parser, arg, &args->max_body);
    return found == 0 ? unknown_option(parser, arg) : found;
}

static int parse_serve_line(struct parser *parser, struct serve_args *args)
{
    while (parser->next < parser->argc) {
        const char *arg = parser->argv[parser->next++];
        if (is_help(arg)) {
            args->help = true;
            return 0;
        }
        if (!is_option(arg))
            return refuse(parser, "unexpected argument \"%s\" (routes are given with --route)",
                          arg);
        if (serve_option(parser, arg, args) < 0)
            return -1;
    }
    if (args->route_count == 0)
        return refuse(parser, "no --route given (see kiln serve --help)");
    return 0;
}

int options_parse_serve(int argc, char **argv, struct serve_args *args, char *error,
                        size_t error_size)
{
    struct parser parser = {argc, argv, 1, "serve", error, error_size};
    *args = (struct serve_args){
        .host = SERVE_DEFAULT_HOST,
        .port = SERVE_DEFAULT_PORT,
        .timeout_ms = SERVE_DEFAULT_TIMEOUT_MS,
        .max_body = SERVE_DEFAULT_MAX_BODY,
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
