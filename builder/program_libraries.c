#include "program_libraries.h"

#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/paths.h"
#include "common/report.h"

/* The folders Debian's ld.so searches when no cache is there to ask, as
 * in the guest. */
static const char *const system_dirs[] = {
    "/lib/x86_64-linux-gnu",
    "/usr/lib/x86_64-linux-gnu",
    "/lib",
    "/usr/lib",
};

/* One library to find: its DT_NEEDED name, and where its requester says
 * to look first (DT_RPATH or DT_RUNPATH, $ORIGIN expanded; "" if none). */
struct need {
    char *name;
    char *dirs;
    char *requester;
    bool required; /* the program's own closure; an embedded object's is not */
};

struct needs {
    struct need *items;
    size_t count, capacity, next;
};

/* Replaces $ORIGIN and ${ORIGIN} with origin; NULL when out of memory. */
static char *expand_origin(const char *dirs, const char *origin)
{
    size_t size = strlen(dirs) + 1, origin_len = strlen(origin);
    for (const char *at = strstr(dirs, "ORIGIN"); at != NULL; at = strstr(at + 1, "ORIGIN"))
        size += origin_len;
    char *out = malloc(size), *to = out;
    while (out != NULL && *dirs != '\0') {
        size_t skip = strncmp(dirs, "$ORIGIN", 7) == 0     ? 7
                      : strncmp(dirs, "${ORIGIN}", 9) == 0 ? 9
                                                           : 0;
        if (skip != 0) {
            memcpy(to, origin, origin_len);
            to += origin_len;
            dirs += skip;
        } else {
            *to++ = *dirs++;
        }
    }
    if (out != NULL)
        *to = '\0';
    return out;
}

static int push(struct needs *needs, const char *name, const char *dirs, const char *requester,
                bool required)
{
    if (needs->count == needs->capacity) {
        size_t capacity = needs->capacity ? 2 * needs->capacity : 32;
        struct need *items = realloc(needs->items, capacity * sizeof *items);
        if (items == NULL)
            return report("out of memory");
        needs->items = items;
        needs->capacity = capacity;
    }
    struct need *need = &needs->items[needs->count];
    *need = (struct need){strdup(name), strdup(dirs), strdup(requester), required};
    if (need->name == NULL || need->dirs == NULL || need->requester == NULL) {
        free(need->name);
        free(need->dirs);
        free(need->requester);
        return report("out of memory");
    }
    needs->count++;
    return 0;
}

/* Queues what elf needs; path names elf as its own loader would see it. */
static int push_needs_of(struct needs *needs, const struct program_elf *elf, const char *path,
                         bool required)
{
    char copy[PATH_MAX];
    snprintf(copy, sizeof copy, "%s", path);
    const char *search = elf->runpath != NULL ? elf->runpath : elf->rpath;
    char *dirs = expand_origin(search != NULL ? search : "", dirname(copy));
    if (dirs == NULL)
        return report("out of memory");
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < elf->needed_count; i++)
        rc = push(needs, elf->needed[i], dirs, path, required);
    free(dirs);
    return rc;
}

/* Copies the host library at path into the tree at the same path. */
static int embed(struct file_tree *tree, const struct program_elf *library, const char *path)
{
    struct stat st;
    uint8_t *bytes = malloc(library->file.size ? library->file.size : 1);
    if (bytes == NULL)
        return report("%s: out of memory", path);
    memcpy(bytes, library->file.bytes, library->file.size);
    struct file_entry entry = {
        .source = path,
        .guest_dir = "/",
        .name = path + 1,
        .mode = S_IFREG | (stat(path, &st) == 0 ? st.st_mode & 0755 : 0755),
        .bytes = bytes,
        .size = library->file.size,
    };
    return file_tree_add(tree, &entry);
}

/* Looks for need in dir: already in the tree (found), or on the host
 * (embedded, its own needs queued).  Returns 1 when found, 0 when not,
 * -1 (reported) on failure. */
static int find_in(struct file_tree *tree, struct needs *needs, const struct need *need,
                   const char *dir, bool verbose)
{
    char path[PATH_MAX];
    struct program_elf library;
    bool named = strchr(need->name, '/') != NULL;
    int len = named ? snprintf(path, sizeof path, "%s", need->name)
                    : (path_join(path, sizeof path, dir, need->name) == 0 ? 0 : -1);
    if (*dir == '\0' || len < 0 || (size_t)len >= sizeof path || path[0] != '/')
        return 0;
    if (file_tree_find(tree, path) != NULL)
        return 1;
    if (access(path, R_OK) != 0)
        return 0;
    if (program_elf_open(&library, path, PROGRAM_LIBRARY) != 0)
        return -1;
    int rc = embed(tree, &library, path);
    if (rc == 0)
        rc = push_needs_of(needs, &library, path, need->required);
    program_elf_close(&library);
    if (rc == 0 && verbose)
        report("build: %s, needed by %s: %s", need->name, need->requester, path);
    return rc == 0 ? 1 : -1;
}

static int find_along(struct file_tree *tree, struct needs *needs, const struct need *need,
                      const char *dirs, bool verbose)
{
    char copy[PATH_MAX];
    snprintf(copy, sizeof copy, "%s", dirs);
    for (char *save = NULL, *dir = strtok_r(copy, ":", &save); dir != NULL;
         dir = strtok_r(NULL, ":", &save)) {
        int found = find_in(tree, needs, need, dir, verbose);
        if (found != 0)
            return found;
    }
    return 0;
}

static int resolve(struct file_tree *tree, struct needs *needs, const struct need *need,
                   bool verbose)
{
    int found;
    if (strchr(need->name, '/') != NULL) {
        found = find_in(tree, needs, need, "/", verbose);
    } else {
        found = find_along(tree, needs, need, need->dirs, verbose);
        for (size_t i = 0; found == 0 && i < sizeof system_dirs / sizeof system_dirs[0]; i++)
            found = find_in(tree, needs, need, system_dirs[i], verbose);
    }
    if (found != 0)
        return found < 0 ? -1 : 0;
    if (need->required)
        return report("%s needs %s, which is not in the system's library folders%s%s",
                      need->requester, need->name, *need->dirs ? " nor in " : "", need->dirs);
    report("warning: %s needs %s, which was not found: left out", need->requester, need->name);
    return 0;
}

struct embedded_scan {
    struct needs *needs;
    char path[PATH_MAX];
    int rc;
};

static void scan_node(struct file_node *node, void *context)
{
    struct embedded_scan *scan = context;
    size_t len = strlen(scan->path);
    if (scan->rc != 0 || len + 1 + strlen(node->name) >= sizeof scan->path)
        return;
    snprintf(scan->path + len, sizeof scan->path - len, "/%s", node->name);
    if (S_ISDIR(node->mode)) {
        file_tree_children(node, scan_node, scan);
    } else if (S_ISREG(node->mode)) {
        struct program_elf elf;
        if (program_elf_read_needs(&elf, scan->path, node->data->bytes, node->data->size) == 0) {
            scan->rc = push_needs_of(scan->needs, &elf, scan->path, false);
            program_elf_close(&elf);
        }
    }
    scan->path[len] = '\0';
}

static void free_needs(struct needs *needs)
{
    for (size_t i = 0; i < needs->count; i++) {
        free(needs->items[i].name);
        free(needs->items[i].dirs);
        free(needs->items[i].requester);
    }
    free(needs->items);
}

/* ld.so answers for itself when libc names it by its soname. */
static bool is_interpreter(const struct program_elf *program, const char *name)
{
    const char *base = strrchr(program->interp, '/');
    return strchr(name, '/') == NULL &&
           strcmp(base != NULL ? base + 1 : program->interp, name) == 0;
}

int program_libraries_add(struct file_tree *tree, const struct program_elf *program, bool verbose)
{
    struct needs needs = {0};
    struct embedded_scan scan = {.needs = &needs};
    if (program->interp == NULL)
        return 0;
    file_tree_children(&tree->root, scan_node, &scan);
    /* The interpreter too, at its own path: the build cache hashes the
     * embedded files, and the image's bytes depend on it. */
    int rc = scan.rc != 0 ? -1 : push_needs_of(&needs, program, program->path, true);
    if (rc == 0)
        rc = push(&needs, program->interp, "", program->path, true);
    for (; rc == 0 && needs.next < needs.count; needs.next++) {
        /* A copy: resolving may grow the queue and move its items. */
        const struct need need = needs.items[needs.next];
        if (!is_interpreter(program, need.name))
            rc = resolve(tree, &needs, &need, verbose);
    }
    free_needs(&needs);
    return rc;
}
