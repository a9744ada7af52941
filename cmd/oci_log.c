#include "oci_log.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/file_io.h"
#include "common/report.h"

#define PREFIX      "kiln-oci: "
#define REPLACEMENT '?'
#define LOG_MODE    0644

/* kiln-oci's one run: where --log's lines go (cmd/ may keep globals). */
static struct {
    int fd; /* -1: no --log */
    enum oci_log_format format;
    bool debug;
} log_to = {.fd = -1};

int oci_log_open(const char *path, enum oci_log_format format, bool debug)
{
    log_to.format = format;
    log_to.debug = debug;
    if (path == NULL)
        return 0;
    log_to.fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, LOG_MODE);
    if (log_to.fd < 0)
        return oci_error("--log %s: %s", path, strerror(errno));
    return 0;
}

void oci_log_forget(void)
{
    if (log_to.fd >= 0)
        close(log_to.fd);
    log_to.fd = -1;
}

void oci_time_now(char *text, size_t size)
{
    time_t now = time(NULL);
    struct tm utc;
    gmtime_r(&now, &utc);
    strftime(text, size, "%Y-%m-%dT%H:%M:%SZ", &utc);
}

/* One line, whatever the message held: text from a bundle or a guest
 * cannot forge lines. */
static void one_line(char *message)
{
    for (char *c = message; *c != '\0'; c++)
        if ((unsigned char)*c < ' ')
            *c = REPLACEMENT;
}

static char *json_line(const char *level, const char *message, const char *time)
{
    json_t *line = json_pack("{s:s, s:s, s:s}", "level", level, "msg", message, "time", time);
    if (line == NULL) /* a message that is not UTF-8 */
        line = json_pack("{s:s, s:s, s:s}", "level", level, "msg", "(a message that is not UTF-8)",
                         "time", time);
    char *text = line != NULL ? json_dumps(line, JSON_COMPACT) : NULL;
    json_decref(line);
    return text;
}

/* logrus's text format: msg quoted, with its quotes and backslashes escaped. */
static void text_line(struct report_text *text, const char *level, const char *message,
                      const char *time)
{
    report_text_add(text, "time=\"%s\" level=%s msg=\"", time, level);
    for (const char *c = message; *c != '\0'; c++)
        report_text_add(text, *c == '"' || *c == '\\' ? "\\%c" : "%c", *c);
    report_text_add(text, "\"\n");
}

static void write_log(const char *level, const char *message)
{
    char time[OCI_TIME_SIZE];
    oci_time_now(time, sizeof time);
    struct report_text text;
    report_text_start_plain(&text);
    if (log_to.format == OCI_LOG_JSON) {
        char *json = json_line(level, message, time);
        if (json != NULL)
            report_text_add(&text, "%s\n", json);
        free(json);
    } else
        text_line(&text, level, message, time);
    /* A log line that cannot be written has nowhere else to go. */
    (void)write_all(log_to.fd, text.bytes, text.len);
}

static void write_stderr(const char *level_prefix, const char *message)
{
    struct report_text text;
    report_text_start_plain(&text);
    report_text_add(&text, PREFIX "%s%s", level_prefix, message);
    report_text_write(&text);
}

int oci_error(const char *fmt, ...)
{
    char message[REPORT_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    one_line(message);
    write_stderr("", message);
    if (log_to.fd >= 0)
        write_log("error", message);
    return -1;
}

int oci_error_errno(const char *what)
{
    return oci_error("%s: %s", what, strerror(errno));
}

void oci_debug(const char *fmt, ...)
{
    if (!log_to.debug)
        return;
    char message[REPORT_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    one_line(message);
    if (log_to.fd >= 0)
        write_log("debug", message);
    else
        write_stderr("debug: ", message);
}
