#include "undefined_symbols.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "common/report.h"

#define REFERENCE "undefined reference to "

#define EXECINFO "glibc's execinfo.h; musl has none"
#define ERROR_H  "glibc's error.h; musl has none"
#define UCONTEXT "musl has no ucontext functions"
#define FORTIFY                                                                                    \
    "glibc's _FORTIFY_SOURCE, from an object built with glibc's headers: rebuild it with "         \
    "musl-gcc"

/* What programs written for glibc call and musl's static libc lacks. */
static const struct hint {
    const char *name;
    const char *why;
} hints[] = {
    {"backtrace", EXECINFO},  {"backtrace_symbols", EXECINFO}, {"backtrace_symbols_fd", EXECINFO},
    {"error", ERROR_H},       {"error_at_line", ERROR_H},      {"getcontext", UCONTEXT},
    {"setcontext", UCONTEXT}, {"makecontext", UCONTEXT},       {"swapcontext", UCONTEXT},
};

/* ld quotes a name `so' in the C locale, 'so' or ‘so’ in others. */
static const char *const opening_quotes[] = {"`", "'", "\xe2\x80\x98"};
static const char *const closing_quotes[] = {"'", "\xe2\x80\x99"};

#define COUNT(array) (sizeof(array) / sizeof(array)[0])

static size_t quote_at(const char *at, const char *const *quotes, size_t count)
{
    for (size_t i = 0; i < count; i++)
        if (strncmp(at, quotes[i], strlen(quotes[i])) == 0)
            return strlen(quotes[i]);
    return 0;
}

/* The length of the name that starts at name, up to its closing quote; 0
 * when the line ends first. */
static size_t name_length(const char *name)
{
    for (size_t len = 0; name[len] != '\0' && name[len] != '\n'; len++)
        if (quote_at(name + len, closing_quotes, COUNT(closing_quotes)) > 0)
            return len;
    return 0;
}

static bool seen(const struct undefined_symbols *symbols, const char *name, size_t len)
{
    for (size_t i = 0; i < symbols->count; i++)
        if (symbols->names[i].len == len && memcmp(symbols->names[i].name, name, len) == 0)
            return true;
    return false;
}

void undefined_symbols_find(const char *messages, struct undefined_symbols *symbols)
{
    *symbols = (struct undefined_symbols){0};
    for (const char *at = strstr(messages, REFERENCE); at != NULL; at = strstr(at, REFERENCE)) {
        at += strlen(REFERENCE);
        at += quote_at(at, opening_quotes, COUNT(opening_quotes));
        size_t len = name_length(at);
        if (len == 0 || seen(symbols, at, len))
            continue;
        if (symbols->count == UNDEFINED_SYMBOLS_MAX)
            symbols->more = true;
        else
            symbols->names[symbols->count++] = (struct symbol_name){at, len};
    }
}

static const char *hint_for(const char *name, size_t len)
{
    for (size_t i = 0; i < COUNT(hints); i++)
        if (strlen(hints[i].name) == len && strncmp(hints[i].name, name, len) == 0)
            return hints[i].why;
    if (len > strlen("___chk") && strncmp(name, "__", 2) == 0 &&
        strncmp(name + len - strlen("_chk"), "_chk", strlen("_chk")) == 0)
        return FORTIFY;
    return NULL;
}

/* A line being written: a text cut to its size, never past it. */
struct line {
    char *text;
    size_t size, len;
};

static void add(struct line *line, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void add(struct line *line, const char *fmt, ...)
{
    if (line->len + 1 >= line->size)
        return;
    va_list ap;
    va_start(ap, fmt);
    int written = vsnprintf(line->text + line->len, line->size - line->len, fmt, ap);
    va_end(ap);
    if (written > 0)
        line->len +=
            (size_t)written < line->size - line->len ? (size_t)written : line->size - line->len - 1;
}

/* "NAME, NAME: why" for each why, in the order names first meet it. */
static void add_hints(struct line *line, const struct undefined_symbols *symbols)
{
    const char *said[UNDEFINED_SYMBOLS_MAX];
    size_t said_count = 0;
    for (size_t i = 0; i < symbols->count; i++) {
        const char *why = hint_for(symbols->names[i].name, symbols->names[i].len);
        bool done = why == NULL;
        for (size_t j = 0; j < said_count && !done; j++)
            done = said[j] == why;
        if (done)
            continue;
        add(line, "%s", said_count == 0 ? " (" : "; ");
        said[said_count++] = why;
        const char *comma = "";
        for (size_t j = i; j < symbols->count; j++) {
            if (hint_for(symbols->names[j].name, symbols->names[j].len) != why)
                continue;
            add(line, "%s%.*s", comma, (int)symbols->names[j].len, symbols->names[j].name);
            comma = ", ";
        }
        add(line, ": %s", why);
    }
    if (said_count > 0)
        add(line, ")");
}

int undefined_symbols_line(const struct undefined_symbols *symbols, char *text, size_t text_size)
{
    struct line line = {text, text_size, 0};
    if (symbols->count == 0 || text_size == 0)
        return -1;
    text[0] = '\0';
    add(&line, "undefined symbols: ");
    for (size_t i = 0; i < symbols->count; i++)
        add(&line, "%s%.*s", i == 0 ? "" : ", ", (int)symbols->names[i].len,
            symbols->names[i].name);
    if (symbols->more)
        add(&line, " and more");
    add_hints(&line, symbols);
    return 0;
}

void undefined_symbols_report(const char *messages)
{
    struct undefined_symbols symbols;
    char line[REPORT_MAX];
    undefined_symbols_find(messages, &symbols);
    if (undefined_symbols_line(&symbols, line, sizeof line) == 0)
        report("%s", line);
}
