#include "depfile.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

struct reader {
    const char *at;
    const char *end;
    char *path; /* the prerequisite being unquoted; never longer than the text */
    size_t len;
};

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n';
}

static void put(struct reader *r, char c, size_t count)
{
    while (count-- > 0)
        r->path[r->len++] = c;
}

/* A run of backslashes: make doubles them only before a blank, and
 * "\#" stands for '#'.  Returns whether the path goes on. */
static bool read_backslashes(struct reader *r)
{
    size_t count = 0;
    while (r->at < r->end && *r->at == '\\') {
        count++;
        r->at++;
    }
    char next = r->at < r->end ? *r->at : '\0';
    if (next == '\n') { /* a continued line */
        put(r, '\\', count - 1);
        return false;
    }
    if (next == ' ' || next == '\t') {
        put(r, '\\', count / 2);
        if (count % 2 == 0)
            return false;
        put(r, next, 1);
        r->at++;
        return true;
    }
    if (next == '#') {
        put(r, '\\', count - 1);
        put(r, '#', 1);
        r->at++;
        return true;
    }
    put(r, '\\', count);
    return true;
}

/* Blanks, and backslash-newlines that continue the rule's line. */
static void skip_blanks(struct reader *r)
{
    while (r->at < r->end &&
           (is_blank(*r->at) || (*r->at == '\\' && r->at + 1 < r->end && r->at[1] == '\n')))
        r->at++;
}

/* Unquotes the next prerequisite into r->path; returns false at the end. */
static bool next_path(struct reader *r)
{
    r->len = 0;
    skip_blanks(r);
    while (r->at < r->end && !is_blank(*r->at)) {
        if (*r->at == '\\') {
            if (!read_backslashes(r))
                break;
        } else if (*r->at == '$' && r->at + 1 < r->end && r->at[1] == '$') {
            put(r, '$', 1);
            r->at += 2;
        } else {
            put(r, *r->at++, 1);
        }
    }
    r->path[r->len] = '\0';
    return r->len > 0;
}

int depfile_parse(const char *text, size_t len, int (*each)(const char *path, void *context),
                  void *context)
{
    static const char target[] = DEPFILE_TARGET ":";
    if (len < sizeof target - 1 || memcmp(text, target, sizeof target - 1) != 0) {
        errno = EINVAL;
        return -1;
    }
    struct reader r = {text + sizeof target - 1, text + len, malloc(len + 1), 0};
    if (r.path == NULL)
        return -1;
    int rc = 0;
    while (rc == 0 && next_path(&r))
        rc = each(r.path, context);
    free(r.path);
    return rc;
}
