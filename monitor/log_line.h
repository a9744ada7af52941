/*
 * kiln serve's log: stderr, shared by many threads and fed with text from
 * functions and clients.  Each line is formatted whole and written with
 * one write(2), so lines never interleave; control characters in it
 * (which could forge or hide lines) become '?'.
 */
#ifndef KILN_LOG_LINE_H
#define KILN_LOG_LINE_H

#include <stdarg.h>

/* Writes fmt's text as one line; a newline at its end is not needed. */
void log_line(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_line_v(const char *fmt, va_list ap);

#endif
