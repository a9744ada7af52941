/*
 * A link that failed for want of symbols, said in one line after the
 * linker's own messages: "kiln: undefined symbols: backtrace, frob
 * (backtrace: glibc's execinfo.h; musl has none)".  The hints name only
 * what musl's static libc really lacks; dlopen, fork and the like link
 * (musl's dlopen fails at run time: an image loads no shared objects).
 */
#ifndef KILN_UNDEFINED_SYMBOLS_H
#define KILN_UNDEFINED_SYMBOLS_H

#include <stdbool.h>
#include <stddef.h>

/* The most names the line lists; more are counted. */
#define UNDEFINED_SYMBOLS_MAX 16

struct symbol_name {
    const char *name; /* into the linker's messages, not terminated */
    size_t len;
};

struct undefined_symbols {
    struct symbol_name names[UNDEFINED_SYMBOLS_MAX];
    size_t count;
    bool more; /* names past UNDEFINED_SYMBOLS_MAX */
};

/* Gathers, once each in the order met, the names in the linker's
 * "undefined reference to `NAME'" lines of messages. */
void undefined_symbols_find(const char *messages, struct undefined_symbols *symbols);

/* Writes the one line for symbols into line (cut to line_size - 1), without
 * "kiln: ".  Returns 0, or -1 when symbols is empty. */
int undefined_symbols_line(const struct undefined_symbols *symbols, char *line, size_t line_size);

/* Reports the line for the linker's messages, if they name any. */
void undefined_symbols_report(const char *messages);

#endif
