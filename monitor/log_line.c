#include "log_line.h"

#include <stdio.h>
#include <unistd.h>

#define LOG_LINE_MAX 4096
#define REPLACEMENT '?'

void log_line_v(const char *fmt, va_list ap)
{
    char line[LOG_LINE_MAX];
    int len = vsnprintf(line, sizeof line - 1, fmt, ap);
    if (len < 0)
        return;
    if ((size_t)len > sizeof line - 2)
        len = sizeof line - 2;
    while (len > 0 && line[len - 1] == '\n')
        len--;
    for (int i = 0; i < len; i++)
        if ((unsigned char)line[i] < ' ' && line[i] != '\t')
            line[i] = REPLACEMENT;
    line[len] = '\n';
    ssize_t written = write(STDERR_FILENO, line, (size_t)len + 1);
    (void)written; /* a log that cannot be written has nowhere to say so */
}

void log_line(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_line_v(fmt, ap);
    va_end(ap);
}
