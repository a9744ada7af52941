#include "option_parser.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "option_values.h"
#include "options.h"

const struct option_spec help_option = {'h', "help", NULL};
const struct option_spec mem_option = {OPT_MEM, "mem", "a size (e.g. 64M, 1G)"};
const struct option_spec timeout_option = {OPT_TIMEOUT, "timeout", "a number of seconds"};

int refuse(struct parser *parser, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(parser->error, parser->error_size, fmt, ap);
    va_end(ap);
    return -1;
}

int unknown_option(struct parser *parser, const char *arg)
{
    const char *program = parser->program != NULL ? parser->program : "kiln";
    if (parser->command == NULL)
        return refuse(parser, "unknown option \"%s\" (see %s --help)", arg, program);
    return refuse(parser, "unknown option \"%s\" (see %s %s --help)", arg, program,
                  parser->command);
}

/* getopt_long's view of the table.  A leading "-" returns the arguments
 * that are not options in their place, so that getopt moves nothing and
 * what follows "--" stays as given; then ":" tells a missing value from an
 * unknown option, and keeps getopt from printing. */
void parser_start(struct parser *parser)
{
    char *letter = parser->letters;
    struct option *name = parser->names;
    *letter++ = '-';
    *letter++ = ':';
    for (size_t i = 0; i < OPTIONS_MAX && (*parser->specs)[i] != NULL; i++) {
        const struct option_spec *spec = (*parser->specs)[i];
        int has_arg = spec->value != NULL ? required_argument : no_argument;
        if (spec->code < OPT_NO_LETTER) {
            *letter++ = (char)spec->code;
            if (has_arg == required_argument)
                *letter++ = ':';
        }
        if (spec->name != NULL)
            *name++ = (struct option){spec->name, has_arg, NULL, spec->code};
    }
    *letter = '\0';
    *name = (struct option){0};
    parser->at = 1;
    parser->base = 0;
    optind = 0; /* glibc starts afresh, forgetting an earlier parse */
}

/* getopt_long cannot be told to skip arguments midway, so after claimed
 * ones it starts afresh on the rest of argv, the last claimed argument
 * standing in for argv[0]. */
static void skip_claimed(struct parser *parser, int taken)
{
    parser->at += taken;
    parser->base = parser->at - 1;
    optind = 0;
}

/* 1 when the parser's claim took arguments, 0 when it took none (or the
 * options have ended), -1 refused. */
static int claim_arguments(struct parser *parser, void *args)
{
    if (parser->claim == NULL || parser->at >= parser->argc ||
        strcmp(parser->argv[parser->at], "--") == 0)
        return 0;
    int taken = parser->claim(parser, args);
    if (taken <= 0)
        return taken;
    skip_claimed(parser, taken);
    return 1;
}

static const struct option_spec *find_spec(const struct parser *parser, int code)
{
    const struct option_spec *const *spec = *parser->specs;
    while ((*spec)->code != code)
        spec++;
    return *spec;
}

/* getopt_long also reads "-vO2" as "-v -O2" and "--me" as "--mem"; kiln
 * never did (an abbreviation would change meaning once a new option starts
 * the same way).  So arg, the argument getopt read spec from, must hold it
 * alone: "-c" or "-cVALUE" (c is arg[1], since no parse reads on past the
 * first letter of an argument), "--name" or "--name=VALUE". */
static bool spelled_out(const char *arg, const struct option_spec *spec)
{
    if (arg[1] != '-')
        return arg[2] == '\0' || spec->value != NULL;
    size_t len = strcspn(arg + 2, "=");
    return strlen(spec->name) == len && strncmp(arg + 2, spec->name, len) == 0;
}

int next_option(struct parser *parser, const char **value)
{
    int code = getopt_long(parser->argc - parser->base, parser->argv + parser->base,
                           parser->letters, parser->names, NULL);
    *value = optarg;
    if (code == -1)
        return 0;
    const char *arg = parser->argv[parser->at];
    parser->at = parser->base + optind;
    if (code == OPT_OPERAND)
        return code;
    if (code == '?')
        return unknown_option(parser, arg);
    const struct option_spec *spec = find_spec(parser, code == ':' ? optopt : code);
    if (!spelled_out(arg, spec))
        return unknown_option(parser, arg);
    if (code == ':')
        return refuse(parser, "%s needs %s", arg, spec->value);
    return code;
}

int read_options(struct parser *parser, option_taker *take, void *args, bool *help)
{
    const char *value;
    int code;
    for (;;) {
        int claimed = claim_arguments(parser, args);
        if (claimed < 0)
            return -1;
        if (claimed > 0)
            continue;
        code = next_option(parser, &value);
        if (code <= 0)
            break;
        if (code == 'h') {
            *help = true;
            return 0;
        }
        if (take(parser, code, value, args) < 0)
            return -1;
    }
    return code;
}

int read_operands_after_options(struct parser *parser, option_taker *take, void *args)
{
    for (int i = parser->at + 1; i < parser->argc; i++)
        if (take(parser, OPT_OPERAND, parser->argv[i], args) < 0)
            return -1;
    return 0;
}

int mem_value(struct parser *parser, const char *value, uint64_t *bytes)
{
    char why[OPTIONS_ERROR_SIZE];
    if (parse_mem_size(value, bytes, why, sizeof why) < 0)
        return refuse(parser, "--mem: %s", why);
    return 0;
}

int timeout_value(struct parser *parser, const char *value, uint64_t *ms)
{
    char why[OPTIONS_ERROR_SIZE];
    if (parse_timeout(value, ms, why, sizeof why) < 0)
        return refuse(parser, "--timeout: %s", why);
    return 0;
}

int count_value(struct parser *parser, const char *name, const char *value, uint64_t min,
                uint64_t max, uint64_t *count)
{
    char why[OPTIONS_ERROR_SIZE];
    if (parse_count(value, min, max, count, why, sizeof why) < 0)
        return refuse(parser, "%s: %s", name, why);
    return 0;
}

int path_value(struct parser *parser, const char *name, const char *what, const char *value,
               const char **path)
{
    if (*value == '\0')
        return refuse(parser, "%s needs %s", name, what);
    *path = value;
    return 0;
}
