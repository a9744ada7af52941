#include "compiler_flags.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* Which command a flag goes to. */
enum destination {
    TO_COMPILE = 1,
    TO_LINK = 2,
    TO_BOTH = TO_COMPILE | TO_LINK,
};

/* A spelling ending in '*' names every flag that starts with what comes
 * before it, that alone too; any other, one flag. */
struct refusal {
    const char *spelling;
    const char *why;
};

#define NOT_STATIC "an image is one static executable, with no dynamic loader"
#define NOT_PIE                                                                                    \
    "an image is static and not position-independent (runtime/kiln.ld links it at 1 MiB)"
#define NOT_64  "an image is x86-64: musl and kiln's runtime are 64-bit"
#define LAYOUT  "runtime/kiln.ld lays out the image"
#define SYMBOLS "kiln finds the program's system calls through the image's symbol table"

static const struct refusal refused_flags[] = {
    {"-shared", NOT_STATIC}, {"-pie", NOT_PIE},  {"-static-pie", NOT_PIE}, {"-fPIC", NOT_PIE},
    {"-fpic", NOT_PIE},      {"-fPIE", NOT_PIE}, {"-fpie", NOT_PIE},       {"-m32", NOT_64},
    {"-mx32", NOT_64},       {"-m16", NOT_64},   {"-s", SYMBOLS},
};

/* The linker options, among -Wl's comma-separated parts, that would undo
 * the static link or the layout the runtime and the monitor rely on. */
static const struct refusal refused_link_options[] = {
    {"-shared", NOT_STATIC},
    {"-Bshareable", NOT_STATIC},
    {"-Bdynamic", NOT_STATIC},
    {"-dy", NOT_STATIC},
    {"-call_shared", NOT_STATIC},
    {"--dynamic-linker*", NOT_STATIC},
    {"-dynamic-linker*", NOT_STATIC},
    {"-pie", NOT_PIE},
    {"--pie", NOT_PIE},
    {"-T*", LAYOUT},
    {"--script*", LAYOUT},
    {"--default-script*", LAYOUT},
    {"--section-start*", LAYOUT},
    {"--image-base*", LAYOUT},
    {"--oformat*", LAYOUT},
    {"-e", "the runtime's _start is the image's entry"},
    {"--entry*", "the runtime's _start is the image's entry"},
    {"-r", "kiln links an executable image, not an object"},
    {"--relocatable", "kiln links an executable image, not an object"},
    {"-s", SYMBOLS},
    {"--strip-all", SYMBOLS},
};

/* Flags whose value is joined ("-Uname") or the next argument ("-U name");
 * kept as two cflags or ldflags, as -I and -D are. */
struct valued_flag {
    const char *flag;
    enum destination to;
    const char *value; /* what the value is, for "needs ..." */
};

static const struct valued_flag valued_flags[] = {
    {"-include", TO_COMPILE, "a file"},
    {"-isystem", TO_COMPILE, "a directory"},
    {"-U", TO_COMPILE, "a macro name"},
    {"-L", TO_LINK, "a directory"},
};

/* Flags passed on as they are, by spelling (as in struct refusal). */
struct plain_flag {
    const char *spelling;
    enum destination to;
};

static const struct plain_flag plain_flags[] = {
    {"-std=*", TO_COMPILE}, /* -std=c99, -std=gnu11 */
    {"-f*", TO_COMPILE},    /* -fwrapv, -fno-builtin, -fno-strict-aliasing */
    {"-W*", TO_COMPILE},    /* -Wall, -Werror, -Werror=..., -Wa,... */
    {"-w", TO_COMPILE},     /* no warnings */
    {"-g*", TO_COMPILE},    /* -g, -g3, -ggdb, -gdwarf-4 */
    {"-m*", TO_COMPILE},    /* -march=, -mtune=, -msse4.2 */
    {"-pthread", TO_BOTH},
};

#define COUNT(array) (sizeof(array) / sizeof(array)[0])
#define WL_PREFIX    "-Wl,"

static bool spelled(const char *spelling, const char *arg)
{
    size_t len = strlen(spelling);
    if (len > 0 && spelling[len - 1] == '*')
        return strncmp(arg, spelling, len - 1) == 0;
    return strcmp(arg, spelling) == 0;
}

static const char *refusal_of(const struct refusal *table, size_t count, const char *arg)
{
    for (size_t i = 0; i < count; i++)
        if (spelled(table[i].spelling, arg))
            return table[i].why;
    return NULL;
}

static void add(struct compile_args *compile, enum destination to, const char *flag)
{
    if (to & TO_COMPILE)
        compile->cflags[compile->cflag_count++] = flag;
    if (to & TO_LINK)
        compile->ldflags[compile->ldflag_count++] = flag;
}

/* The longest linker option a refusal spells out whole; longer ones can
 * only meet a refusal by prefix, which their first bytes decide. */
#define LINK_OPTION_MAX 64

/* gcc splits -Wl's value at every comma, and so does this check. */
static const char *link_options_refusal(const char *options)
{
    while (*options != '\0') {
        size_t len = strcspn(options, ",");
        char part[LINK_OPTION_MAX];
        snprintf(part, sizeof part, "%.*s", (int)len, options);
        const char *why = refusal_of(refused_link_options, COUNT(refused_link_options), part);
        if (why != NULL)
            return why;
        options += len + (options[len] == ',');
    }
    return NULL;
}

const char *compiler_flags_refusal(const char *arg)
{
    if (strncmp(arg, WL_PREFIX, strlen(WL_PREFIX)) == 0)
        return link_options_refusal(arg + strlen(WL_PREFIX));
    return refusal_of(refused_flags, COUNT(refused_flags), arg);
}

static int take_valued(struct parser *parser, struct compile_args *compile,
                       const struct valued_flag *flag)
{
    const char *arg = parser->argv[parser->at];
    const char *value = arg + strlen(flag->flag);
    int taken = 1;
    if (*value == '\0') {
        if (parser->at + 1 >= parser->argc)
            return refuse(parser, "%s needs %s", flag->flag, flag->value);
        value = parser->argv[parser->at + 1];
        taken = 2;
    }
    if (*value == '\0')
        return refuse(parser, "%s needs %s", flag->flag, flag->value);
    add(compile, flag->to, flag->flag);
    add(compile, flag->to, value);
    return taken;
}

int compiler_flags_take(struct parser *parser, struct compile_args *compile)
{
    const char *arg = parser->argv[parser->at];
    const char *why = compiler_flags_refusal(arg);
    if (why != NULL)
        return refuse(parser, "%s: %s", arg, why);
    if (strncmp(arg, WL_PREFIX, strlen(WL_PREFIX)) == 0) {
        if (arg[strlen(WL_PREFIX)] == '\0')
            return refuse(parser, "%s needs linker options (-Wl,--gc-sections)", arg);
        add(compile, TO_LINK, arg);
        return 1;
    }
    for (size_t i = 0; i < COUNT(valued_flags); i++)
        if (strncmp(arg, valued_flags[i].flag, strlen(valued_flags[i].flag)) == 0)
            return take_valued(parser, compile, &valued_flags[i]);
    for (size_t i = 0; i < COUNT(plain_flags); i++) {
        if (spelled(plain_flags[i].spelling, arg)) {
            add(compile, plain_flags[i].to, arg);
            return 1;
        }
    }
    return 0;
}
