#include "option_values.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <kiln/abi.h>

#define MS_PER_SECOND 1000
#define PORT_MAX      65535

static const struct size_unit {
    const char *suffix;
    unsigned shift;
} size_units[] = {
    {"", 0},    {"b", 0},    {"k", 10}, {"kb", 10}, {"kib", 10}, {"m", 20},
    {"mb", 20}, {"mib", 20}, {"g", 30}, {"gb", 30}, {"gib", 30},
};

/* Reads the leading decimal digits of *text into *value; false when there
 * are none or they overflow. */
static bool read_digits(const char **text, uint64_t *value)
{
    const char *p = *text;
    *value = 0;
    if (!isdigit((unsigned char)*p))
        return false;
    for (; isdigit((unsigned char)*p); p++) {
        unsigned digit = (unsigned)(*p - '0');
        if (*value > (UINT64_MAX - digit) / 10)
            return false;
        *value = *value * 10 + digit;
    }
    *text = p;
    return true;
}

int parse_size(const char *text, uint64_t *bytes)
{
    uint64_t number;
    if (!read_digits(&text, &number))
        return -1;
    for (size_t i = 0; i < sizeof size_units / sizeof size_units[0]; i++) {
        unsigned shift = size_units[i].shift;
        if (strcasecmp(text, size_units[i].suffix) != 0)
            continue;
        if (number > UINT64_MAX >> shift)
            return -1;
        *bytes = number << shift;
        return 0;
    }
    return -1;
}

void format_size(uint64_t bytes, char *text, size_t text_size)
{
    static const char units[] = {'K', 'M', 'G'};
    size_t unit = 0;
    while (unit < sizeof units && bytes != 0 && bytes % 1024 == 0) {
        bytes /= 1024;
        unit++;
    }
    if (unit == 0)
        snprintf(text, text_size, "%" PRIu64, bytes);
    else
        snprintf(text, text_size, "%" PRIu64 "%c", bytes, units[unit - 1]);
}

int parse_mem_size(const char *text, uint64_t *bytes, char *error, size_t error_size)
{
    char min[32], max[32];
    uint64_t size;
    if (parse_size(text, &size) < 0) {
        snprintf(error, error_size, "\"%s\" is not a size (e.g. 64M, 1G)", text);
        return -1;
    }
    if (size < KILN_MEM_MIN || size > KILN_MEM_MAX) {
        format_size(KILN_MEM_MIN, min, sizeof min);
        format_size(KILN_MEM_MAX, max, sizeof max);
        snprintf(error, error_size, "\"%s\" is out of range: guest memory is %s to %s", text, min,
                 max);
        return -1;
    }
    *bytes = (size + KILN_MEM_ALIGN - 1) / KILN_MEM_ALIGN * KILN_MEM_ALIGN;
    return 0;
}

/* The digits after the point: the first three are milliseconds; any
 * non-zero digit after them adds one. */
static bool read_fraction_ms(const char *text, uint64_t *ms)
{
    uint64_t place = MS_PER_SECOND / 10;
    bool beyond_ms = false;
    *ms = 0;
    if (!isdigit((unsigned char)*text))
        return false;
    for (; isdigit((unsigned char)*text); text++) {
        if (place > 0)
            *ms += (uint64_t)(*text - '0') * place;
        else if (*text != '0')
            beyond_ms = true;
        place /= 10;
    }
    *ms += beyond_ms;
    return *text == '\0';
}

static int not_seconds(const char *text, char *error, size_t error_size)
{
    snprintf(error, error_size, "\"%s\" is not a number of seconds (e.g. 10, 0.5)", text);
    return -1;
}

static int too_large(const char *text, char *error, size_t error_size)
{
    snprintf(error, error_size, "\"%s\" is too large", text);
    return -1;
}

int parse_timeout(const char *text, uint64_t *ms, char *error, size_t error_size)
{
    const char *p = text;
    uint64_t seconds = 0, fraction_ms = 0;
    bool has_whole = isdigit((unsigned char)*p);
    if (has_whole && !read_digits(&p, &seconds))
        return too_large(text, error, error_size);
    if (*p == '.') {
        if (!read_fraction_ms(p + 1, &fraction_ms))
            return not_seconds(text, error, error_size);
    } else if (*p != '\0' || !has_whole) {
        return not_seconds(text, error, error_size);
    }
    if (seconds > (UINT64_MAX - fraction_ms) / MS_PER_SECOND)
        return too_large(text, error, error_size);
    *ms = seconds * MS_PER_SECOND + fraction_ms;
    return 0;
}

int parse_count(const char *text, uint64_t min, uint64_t max, uint64_t *count, char *error,
                size_t error_size)
{
    const char *p = text;
    uint64_t value;
    if (!read_digits(&p, &value) || *p != '\0' || value < min || value > max) {
        snprintf(error, error_size, "\"%s\" is not a whole number from %" PRIu64 " to %" PRIu64,
                 text, min, max);
        return -1;
    }
    *count = value;
    return 0;
}

/* The address part of "ADDR:PORT" or "[ADDR]:PORT"; *port_text follows it. */
static bool split_listen(const char *text, char *host, size_t host_size, const char **port_text)
{
    const char *end = text[0] == '[' ? strchr(text, ']') : strrchr(text, ':');
    const char *start = text[0] == '[' ? text + 1 : text;
    if (end == NULL || (text[0] == '[' && end[1] != ':'))
        return false;
    size_t len = (size_t)(end - start);
    if (len == 0 || len >= host_size)
        return false;
    memcpy(host, start, len);
    host[len] = '\0';
    *port_text = end + (text[0] == '[' ? 2 : 1);
    return true;
}

static bool numeric_address(const char *host, bool bracketed)
{
    unsigned char address[sizeof(struct in6_addr)];
    return inet_pton(bracketed ? AF_INET6 : AF_INET, host, address) == 1;
}

int parse_listen(const char *text, char *host, size_t host_size, uint16_t *port, char *error,
                 size_t error_size)
{
    const char *port_text;
    const char *p;
    uint64_t value;
    if (!split_listen(text, host, host_size, &port_text) ||
        !numeric_address(host, text[0] == '[')) {
        snprintf(error, error_size, "\"%s\" is not ADDR:PORT (e.g. 127.0.0.1:8080, [::1]:8080)",
                 text);
        return -1;
    }
    p = port_text;
    if (!read_digits(&p, &value) || *p != '\0' || value > PORT_MAX) {
        snprintf(error, error_size, "\"%s\" is not a port (0-65535)", port_text);
        return -1;
    }
    *port = (uint16_t)value;
    return 0;
}

unsigned one_per_cpu(void)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    return cpus > 0 ? (unsigned)cpus : 1;
}
