#include "report.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "file_io.h"

#define PREFIX      "kiln: "
#define REPLACEMENT '?'

static void add_v(struct report_text *text, const char *fmt, va_list ap)
{
    /* One byte stays free for the last line's newline. */
    size_t room = sizeof text->bytes - 1 - text->len;
    if (room == 0)
        return;
    int len = vsnprintf(text->bytes + text->len, room, fmt, ap);
    if (len < 0)
        return;
    size_t added = (size_t)len < room ? (size_t)len : room - 1;
    for (size_t i = text->len; i < text->len + added; i++) {
        char c = text->bytes[i];
        if ((unsigned char)c < ' ' && c != '\t' && c != '\n')
            text->bytes[i] = REPLACEMENT;
    }
    text->len += added;
}

void report_text_add(struct report_text *text, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    add_v(text, fmt, ap);
    va_end(ap);
}

void report_text_start_plain(struct report_text *text)
{
    text->len = 0;
}

void report_text_start_v(struct report_text *text, const char *fmt, va_list ap)
{
    text->len = 0;
    report_text_add(text, PREFIX);
    add_v(text, fmt, ap);
    while (text->len > 0 && text->bytes[text->len - 1] == '\n')
        text->len--;
    /* A one-line message is one line, whatever its text held. */
    for (size_t i = 0; i < text->len; i++)
        if (text->bytes[i] == '\n')
            text->bytes[i] = REPLACEMENT;
}

void report_text_start(struct report_text *text, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    report_text_start_v(text, fmt, ap);
    va_end(ap);
}

void report_text_write(struct report_text *text)
{
    while (text->len > 0 && text->bytes[text->len - 1] == '\n')
        text->len--;
    text->bytes[text->len++] = '\n';
    /* A report that cannot be written has nowhere to say so. */
    (void)write_all(STDERR_FILENO, text->bytes, text->len);
}

int report_v(const char *fmt, va_list ap)
{
    struct report_text text;
    report_text_start_v(&text, fmt, ap);
    report_text_write(&text);
    return -1;
}

int report(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    report_v(fmt, ap);
    va_end(ap);
    return -1;
}

int report_errno(const char *name, const char *what)
{
    return report("%s: %s: %s", name, what, strerror(errno));
}
