#include "oci_reference.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define DEFAULT_TAG      "latest"
#define DEFAULT_REGISTRY "docker.io"
#define LEGACY_REGISTRY  "index.docker.io" /* Docker Hub's old name for itself */
#define LOCAL_HOST       "localhost"
/* Where Docker Hub keeps a name of one component ("hello"). */
#define OFFICIAL_PREFIX "library/"

static int refused(char *why, size_t why_size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int refused(char *why, size_t why_size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, why_size, fmt, ap);
    va_end(ap);
    return -1;
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_lower_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || is_digit(c);
}

static bool is_alnum(char c)
{
    return is_lower_alnum(c) || (c >= 'A' && c <= 'Z');
}

/* Runs of lowercase letters and digits joined by ".", "_", "__" or any
 * number of "-". */
static bool path_component_ok(const char *s, size_t len)
{
    size_t i = 0;
    for (;;) {
        size_t start = i;
        while (i < len && is_lower_alnum(s[i]))
            i++;
        if (i == start)
            return false;
        if (i == len)
            return true;
        start = i;
        if (s[i] == '.')
            i++;
        else if (s[i] == '_')
            i += i + 1 < len && s[i + 1] == '_' ? 2 : 1;
        else
            while (i < len && s[i] == '-')
                i++;
        if (i == start)
            return false;
    }
}

/* A host name's label: letters and digits, "-" inside. */
static bool host_label_ok(const char *s, size_t len)
{
    if (len == 0 || !is_alnum(s[0]) || !is_alnum(s[len - 1]))
        return false;
    for (size_t i = 0; i < len; i++)
        if (!is_alnum(s[i]) && s[i] != '-')
            return false;
    return true;
}

/* HOST[:PORT], HOST being labels joined by ".". */
static bool registry_ok(const char *s, size_t len)
{
    const char *colon = memchr(s, ':', len);
    size_t host_len = colon != NULL ? (size_t)(colon - s) : len;
    for (size_t i = colon != NULL ? host_len + 1 : len; i < len; i++)
        if (!is_digit(s[i]))
            return false;
    if (colon != NULL && host_len + 1 == len)
        return false;
    for (size_t start = 0, end; start <= host_len; start = end + 1) {
        const char *dot = memchr(s + start, '.', host_len - start);
        end = dot != NULL ? (size_t)(dot - s) : host_len;
        if (!host_label_ok(s + start, end - start))
            return false;
    }
    return true;
}

/* A word character, then up to 127 of them, "." and "-". */
static bool tag_ok(const char *tag)
{
    size_t len = strlen(tag);
    if (len == 0 || len > OCI_TAG_MAX || !(is_alnum(tag[0]) || tag[0] == '_'))
        return false;
    for (size_t i = 1; i < len; i++)
        if (!is_alnum(tag[i]) && strchr("_.-", tag[i]) == NULL)
            return false;
    return true;
}

static bool same(const char *s, size_t len, const char *word)
{
    return len == strlen(word) && memcmp(s, word, len) == 0;
}

/* The first component names a registry when no repository could be
 * called so: it has a "." or ":", capitals, or is localhost.  The same
 * rule as docker's, so that both read a name alike. */
static bool is_registry(const char *s, size_t len)
{
    if (same(s, len, LOCAL_HOST))
        return true;
    for (size_t i = 0; i < len; i++)
        if (s[i] == '.' || s[i] == ':' || (s[i] >= 'A' && s[i] <= 'Z'))
            return true;
    return false;
}

static int check_path(const char *text, const char *path, size_t len, char *why, size_t why_size)
{
    for (size_t start = 0, end; start <= len; start = end + 1) {
        const char *slash = memchr(path + start, '/', len - start);
        end = slash != NULL ? (size_t)(slash - path) : len;
        if (!path_component_ok(path + start, end - start))
            return refused(
                why, why_size,
                "\"%s\": component \"%.*s\" is not lowercase letters and digits joined by "
                "\".\", \"_\", \"__\" or \"-\"",
                text, (int)(end - start), path + start);
    }
    return 0;
}

static int normalise(struct oci_reference *ref, const char *text, size_t len, char *why,
                     size_t why_size)
{
    const char *slash = memchr(text, '/', len);
    const char *registry = DEFAULT_REGISTRY;
    size_t registry_len = strlen(DEFAULT_REGISTRY);
    const char *path = text;
    if (slash != NULL && is_registry(text, (size_t)(slash - text))) {
        registry_len = (size_t)(slash - text);
        if (!registry_ok(text, registry_len))
            return refused(why, why_size, "\"%s\": \"%.*s\" is not a registry's HOST[:PORT]", text,
                           (int)registry_len, text);
        if (!same(text, registry_len, LEGACY_REGISTRY))
            registry = text;
        else
            registry_len = strlen(DEFAULT_REGISTRY);
        path = slash + 1;
    }
    size_t path_len = len - (size_t)(path - text);
    if (check_path(text, path, path_len, why, why_size) != 0)
        return -1;
    bool official =
        same(registry, registry_len, DEFAULT_REGISTRY) && memchr(path, '/', path_len) == NULL;
    const char *prefix = official ? OFFICIAL_PREFIX : "";
    int n = snprintf(ref->name, sizeof ref->name, "%.*s/%s%.*s", (int)registry_len, registry,
                     prefix, (int)path_len, path);
    if (n < 0 || (size_t)n >= sizeof ref->name)
        return refused(why, why_size, "\"%s\": longer than %d characters as %.*s/%s%.*s", text,
                       OCI_NAME_MAX, (int)registry_len, registry, prefix, (int)path_len, path);
    return 0;
}

int oci_reference_parse(struct oci_reference *ref, const char *text, char *why, size_t why_size)
{
    if (strchr(text, '@') != NULL)
        return refused(why, why_size, "\"%s\": a digest names an image that exists; give a tag",
                       text);
    const char *slash = strrchr(text, '/');
    const char *colon = strrchr(slash != NULL ? slash : text, ':');
    const char *tag = colon != NULL ? colon + 1 : DEFAULT_TAG;
    size_t len = colon != NULL ? (size_t)(colon - text) : strlen(text);
    if (len == 0)
        return refused(why, why_size, "\"%s\": no name", text);
    if (!tag_ok(tag))
        return refused(why, why_size,
                       "\"%s\": the tag \"%s\" is not 1 to %d letters, digits, \"_\", \".\" "
                       "and \"-\", the first no \".\" or \"-\"",
                       text, tag, OCI_TAG_MAX);
    if (normalise(ref, text, len, why, why_size) != 0)
        return -1;
    memcpy(ref->tag, tag, strlen(tag) + 1);
    return 0;
}
