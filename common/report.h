/*
 * The one way kiln tells a person something on stderr.  A message is
 * formatted whole, then written with one write(2), so that lines from
 * several threads (kiln serve's workers, its HTTP thread) never
 * interleave, and a crash report of many lines stays in one piece.
 * Control characters other than the report's own newlines become '?':
 * text from guests and clients cannot forge or hide lines.
 */
#ifndef KILN_REPORT_H
#define KILN_REPORT_H

#include <stdarg.h>
#include <stddef.h>

/* Bytes of one report; longer ones are cut. */
#define REPORT_MAX 8192

/* Writes "kiln: " and fmt's text as one line.  Returns -1, so that a
 * function that failed can end with `return report(...)`. */
int report(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int report_v(const char *fmt, va_list ap);

/* report() of "NAME: WHAT: " and errno's text: a call that failed. */
int report_errno(const char *name, const char *what);

/* A report of several lines, built up and then written at once. */
struct report_text {
    char bytes[REPORT_MAX];
    size_t len;
};

/* Starts the text with its first line: "kiln: " and fmt's text. */
void report_text_start(struct report_text *text, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void report_text_start_v(struct report_text *text, const char *fmt, va_list ap);

/* Starts an empty text, for lines that are the program's words rather
 * than kiln's (kiln run --strace): no "kiln: " before them. */
void report_text_start_plain(struct report_text *text);

/* Adds fmt's text as it is (a line ends where it says "\n"). */
void report_text_add(struct report_text *text, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Ends the last line and writes the whole text. */
void report_text_write(struct report_text *text);

#endif
