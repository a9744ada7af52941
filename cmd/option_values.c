#include "option_values.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <strings.h>

#include <kiln/abi.h>

#define MS_PER_SECOND 1000

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
