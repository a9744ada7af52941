#include "volume_options.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "builder/guest_path.h"
#include "option_parser.h"

/* ":ro", ":rw" or nothing after GUEST_DIR. */
static int read_mode(const char *mode, bool *read_only)
{
    *read_only = mode != NULL && strcmp(mode, "ro") == 0;
    return mode == NULL || *read_only || strcmp(mode, "rw") == 0 ? 0 : -1;
}

/* Whether one of the guest folders a and b is the other or holds it.  A
 * root volume, at "/", holds the others and may: only "/" overlaps it. */
static bool overlap(const char *a, const char *b)
{
    if (strcmp(a, "/") == 0 || strcmp(b, "/") == 0)
        return strcmp(a, b) == 0;
    size_t len_a = strlen(a), len_b = strlen(b);
    const char *shorter = len_a < len_b ? a : b, *longer = len_a < len_b ? b : a;
    size_t len = len_a < len_b ? len_a : len_b;
    return strncmp(shorter, longer, len) == 0 && (longer[len] == '\0' || longer[len] == '/');
}

static int check_apart(struct parser *parser, const struct volume_args *args, const char *option,
                       const char *guest)
{
    for (size_t i = 0; i < args->count; i++)
        if (overlap(args->list[i].guest, guest))
            return refuse(parser,
                          "%s: the guest folders %s and %s overlap (volumes may not share "
                          "a folder or nest, but in one at /)",
                          option, args->list[i].guest, guest);
    return 0;
}

/* Cuts text's copy in place into HOST_DIR, GUEST_DIR and the mode. */
static int split(char *copy, char **guest, char **mode)
{
    *guest = strchr(copy, ':');
    if (*guest == NULL || *guest == copy)
        return -1;
    *(*guest)++ = '\0';
    *mode = strchr(*guest, ':');
    if (*mode != NULL)
        *(*mode)++ = '\0';
    return 0;
}

int volume_args_add(struct parser *parser, struct volume_args *args, const char *text)
{
    if (args->count == KILN_VOLUME_MAX)
        return refuse(parser, "-v: more than %d volumes", KILN_VOLUME_MAX);
    char *host = args->host[args->count], *normal = args->guest[args->count], *guest, *mode;
    struct monitor_volume *volume = &args->list[args->count];
    const char *why;
    if (snprintf(host, KILN_PATH_MAX, "%s", text) >= KILN_PATH_MAX ||
        split(host, &guest, &mode) != 0 || read_mode(mode, &volume->read_only) != 0)
        return refuse(parser, "-v: \"%s\" is not HOST_DIR:GUEST_DIR[:ro|:rw]", text);
    if (guest_path_join(normal, guest, "", &why) != 0)
        return refuse(parser, "-v \"%s\": %s", text, why);
    if (check_apart(parser, args, "-v", normal) != 0)
        return -1;
    volume->host = host;
    volume->guest = normal;
    args->count++;
    return 0;
}

int volume_args_tmpfs(struct parser *parser, struct volume_args *args, const char *text)
{
    if (args->count == KILN_VOLUME_MAX)
        return refuse(parser, "--tmpfs: more than %d volumes", KILN_VOLUME_MAX);
    char *normal = args->guest[args->count];
    const char *why;
    if (guest_path_join(normal, text, "", &why) != 0)
        return refuse(parser, "--tmpfs \"%s\": %s", text, why);
    if (strcmp(normal, "/") == 0)
        return refuse(parser, "--tmpfs \"%s\": the guest folder may not be /", text);
    if (check_apart(parser, args, "--tmpfs", normal) != 0)
        return -1;
    args->list[args->count++] = (struct monitor_volume){.guest = normal, .in_memory = true};
    return 0;
}

int volume_args_workdir(struct parser *parser, struct volume_args *args, const char *text)
{
    const char *why;
    if (guest_path_join(args->workdir, text, "", &why) != 0)
        return refuse(parser, "-w \"%s\": %s", text, why);
    if (strcmp(args->workdir, "/") == 0)
        args->workdir[0] = '\0';
    return 0;
}
