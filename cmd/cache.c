/*
 * kiln cache: where the cache is, what it holds, and emptying it of what
 * kiln put there (entries and stray temporary files), nothing else.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "common/cache_dir.h"
#include "common/cache_entry.h"
#include "common/paths.h"
#include "common/report.h"
#include "exit_codes.h"
#include "help.h"

#define EXIT_CACHE_FAILED 1
#define TEXT_SIZE         32

static const char *const folders[] = {CACHE_IMAGES,  CACHE_DEPS,     CACHE_COMPILERS,
                                      CACHE_BOOT,    CACHE_CPUID,    CACHE_SECCOMP,
                                      CACHE_RESULTS, CACHE_SNAPSHOTS};

/* What to do with each entry, and what it did so far. */
struct walk {
    const char *root;
    int (*visit)(struct walk *walk, const char *path, const char *shown, const struct stat *st);
    time_t now;
    uint64_t count;
    uint64_t bytes;
    int failed;
};

/* "512B", "4.0K", "130.2K", "1.5G": the size to a tenth of its unit. */
static void format_bytes(uint64_t bytes, char *text, size_t text_size)
{
    static const char units[] = "KMGT";
    double value = (double)bytes;
    int unit = -1;
    while (value >= 1024 && unit + 1 < (int)sizeof units - 1) {
        value /= 1024;
        unit++;
    }
    if (unit < 0)
        snprintf(text, text_size, "%luB", (unsigned long)bytes);
    else
        snprintf(text, text_size, "%.1f%c", value, units[unit]);
}

/* "45s", "12m", "3h", "5d": the age in its largest whole unit. */
static void format_age(time_t seconds, char *text, size_t text_size)
{
    static const struct {
        time_t seconds;
        char unit;
    } units[] = {{86400, 'd'}, {3600, 'h'}, {60, 'm'}, {1, 's'}};
    if (seconds < 0)
        seconds = 0;
    size_t i = 0;
    while (i + 1 < sizeof units / sizeof units[0] && seconds < units[i].seconds)
        i++;
    snprintf(text, text_size, "%ld%c", (long)(seconds / units[i].seconds), units[i].unit);
}

/* What an entry takes on disk: a snapshot's RAM is mostly holes (its
 * size is the guest's memory), every other entry is whole. */
static uint64_t entry_bytes(const struct stat *st)
{
    uint64_t allocated = (uint64_t)st->st_blocks * 512;
    return allocated < (uint64_t)st->st_size ? allocated : (uint64_t)st->st_size;
}

static int list_entry(struct walk *walk, const char *path, const char *shown, const struct stat *st)
{
    char size[TEXT_SIZE], age[TEXT_SIZE];
    (void)path;
    format_bytes(entry_bytes(st), size, sizeof size);
    format_age(walk->now - st->st_mtime, age, sizeof age);
    printf("%8s %5s  %s\n", size, age, shown);
    return 0;
}

static int remove_entry(struct walk *walk, const char *path, const char *shown,
                        const struct stat *st)
{
    (void)walk;
    (void)st;
    if (unlink(path) == 0)
        return 0;
    return report("cache: cannot remove %s: %s", shown, strerror(errno));
}

/* "dir/name" into path; fails (reported) when it does not fit. */
static int join(char *path, size_t path_size, const char *dir, const char *name)
{
    if (path_join(path, path_size, dir, name) == 0)
        return 0;
    return report("cache: %s/%s: path too long", dir, name);
}

static int is_owned(const struct dirent *entry)
{
    return cache_entry_owns(entry->d_name);
}

static void visit_entry(struct walk *walk, const char *folder, const char *name)
{
    char path[PATH_MAX], shown[PATH_MAX];
    struct stat st;
    if (join(shown, sizeof shown, folder, name) != 0 ||
        join(path, sizeof path, walk->root, shown) != 0) {
        walk->failed = 1;
        return;
    }
    if (lstat(path, &st) != 0 || !S_ISREG(st.st_mode))
        return;
    if (walk->visit(walk, path, shown, &st) != 0) {
        walk->failed = 1;
        return;
    }
    walk->count++;
    walk->bytes += entry_bytes(&st);
}

static void visit_folder(struct walk *walk, const char *folder)
{
    char path[PATH_MAX];
    struct dirent **entries;
    if (join(path, sizeof path, walk->root, folder) != 0) {
        walk->failed = 1;
        return;
    }
    int count = scandir(path, &entries, is_owned, alphasort);
    if (count < 0) {
        if (errno != ENOENT) {
            report("cache: cannot read %s: %s", path, strerror(errno));
            walk->failed = 1;
        }
        return;
    }
    for (int i = 0; i < count; i++) {
        visit_entry(walk, folder, entries[i]->d_name);
        free(entries[i]);
    }
    free(entries);
}

static void walk_cache(struct walk *walk)
{
    walk->now = time(NULL);
    for (size_t i = 0; i < sizeof folders / sizeof folders[0]; i++)
        visit_folder(walk, folders[i]);
}

static int cache_list(const char *root)
{
    struct walk walk = {.root = root, .visit = list_entry};
    walk_cache(&walk);
    return walk.failed ? EXIT_CACHE_FAILED : 0;
}

/* The folders go too when nothing else is left in them; the root stays,
 * since kiln may not have made it. */
static int cache_clean(const char *root)
{
    char path[PATH_MAX], size[TEXT_SIZE];
    struct walk walk = {.root = root, .visit = remove_entry};
    walk_cache(&walk);
    for (size_t i = 0; i < sizeof folders / sizeof folders[0]; i++)
        if (join(path, sizeof path, root, folders[i]) == 0)
            rmdir(path);
    format_bytes(walk.bytes, size, sizeof size);
    printf("removed %lu cache entries (%s) from %s\n", (unsigned long)walk.count, size, root);
    return walk.failed ? EXIT_CACHE_FAILED : 0;
}

static int cache_path(const char *root)
{
    printf("%s\n", root);
    return 0;
}

static const struct cache_command {
    const char *name;
    int (*run)(const char *root);
} cache_commands[] = {
    {"path", cache_path},
    {"ls", cache_list},
    {"clean", cache_clean},
};

static int run_cache_command(const struct cache_command *command)
{
    char root[PATH_MAX];
    if (cache_dir_find(root, sizeof root) != 0)
        return EXIT_CACHE_FAILED;
    return command->run(root);
}

int cmd_cache(int argc, char **argv)
{
    if (argc == 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0))
        return help_print("cache", stdout);
    if (argc != 2) {
        report("cache: %s (see kiln cache --help)",
               argc < 2 ? "path, ls or clean expected" : "one command expected");
        return EXIT_USAGE;
    }
    for (size_t i = 0; i < sizeof cache_commands / sizeof cache_commands[0]; i++)
        if (strcmp(argv[1], cache_commands[i].name) == 0)
            return run_cache_command(&cache_commands[i]);
    report("cache: unknown command \"%s\" (path, ls or clean)", argv[1]);
    return EXIT_USAGE;
}
