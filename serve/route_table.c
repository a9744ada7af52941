#include "route_table.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "common/array_grow.h"
#include "common/report.h"
#include "routes.h"

#define FIRST_ROUTES 16

struct route_entry {
    char prefix[ROUTE_PREFIX_MAX];
    char *target;
    struct pool *pool;
    bool from_functions;
};

/* Every request reads the table and only a change of a function writes
 * it, hence a rwlock.  The entries are kept sorted by prefix. */
struct route_table {
    pthread_rwlock_t lock;
    struct route_entry *entries;
    size_t count;
    size_t capacity;
};

struct route_table *route_table_new(void)
{
    struct route_table *table = calloc(1, sizeof *table);
    if (table == NULL) {
        report("serve: the route table: out of memory");
        return NULL;
    }
    pthread_rwlock_init(&table->lock, NULL);
    return table;
}

static const char *shown(const char *prefix)
{
    return *prefix ? prefix : "/";
}

/* Where prefix is, or would go, in the sorted entries. */
static size_t position(const struct route_table *table, const char *prefix, bool *found)
{
    size_t at = 0;
    while (at < table->count && strcmp(table->entries[at].prefix, prefix) < 0)
        at++;
    *found = at < table->count && strcmp(table->entries[at].prefix, prefix) == 0;
    return at;
}

static int insert(struct route_table *table, size_t at, const struct route_entry *entry)
{
    struct route_entry *entries = array_grow(table->entries, &table->capacity, table->count + 1,
                                             sizeof *entries, FIRST_ROUTES);
    if (entries == NULL)
        return -1;
    table->entries = entries;
    memmove(&table->entries[at + 1], &table->entries[at],
            (table->count - at) * sizeof *table->entries);
    table->entries[at] = *entry;
    table->count++;
    return 0;
}

static void report_switch(const char *prefix, const char *old_target, const char *target)
{
    if (strcmp(old_target, target) == 0)
        report("%s: %s changed; switched", shown(prefix), target);
    else
        report("%s: switched from %s to %s", shown(prefix), old_target, target);
}

enum placed { PLACED_NEW, PLACED_SWITCHED, PLACED_SHADOWED, PLACED_OUT_OF_MEMORY };

/* Under the write lock: serves entry at its prefix.  After a switch or a
 * shadow, entry holds the pool and target that lost, for the caller to
 * let go of outside the lock. */
static enum placed place(struct route_table *table, struct route_entry *entry)
{
    bool found;
    size_t at = position(table, entry->prefix, &found);
    if (!found)
        return insert(table, at, entry) == 0 ? PLACED_NEW : PLACED_OUT_OF_MEMORY;
    struct route_entry *old = &table->entries[at];
    if (entry->from_functions && !old->from_functions)
        return PLACED_SHADOWED;
    struct route_entry replaced = *old;
    *old = *entry;
    *entry = replaced;
    return PLACED_SWITCHED;
}

int route_table_put(struct route_table *table, const char *prefix, const char *target,
                    struct pool *pool, bool from_functions)
{
    struct route_entry entry = {.pool = pool, .from_functions = from_functions};
    if (strlen(prefix) >= sizeof entry.prefix) {
        pool_retire(pool);
        return report("%.64s...: a route's path is at most %d bytes", prefix, ROUTE_PREFIX_MAX - 1);
    }
    strcpy(entry.prefix, prefix);
    entry.target = strdup(target);
    enum placed placed = PLACED_OUT_OF_MEMORY;
    if (entry.target != NULL) {
        pthread_rwlock_wrlock(&table->lock);
        placed = place(table, &entry);
        pthread_rwlock_unlock(&table->lock);
    }

    switch (placed) {
    case PLACED_NEW:
        report("%s: served from %s", shown(prefix), target);
        return 0;
    case PLACED_SWITCHED:
        report_switch(prefix, entry.target, target);
        break;
    case PLACED_SHADOWED:
        report("%s: %s is shadowed by --route %s", shown(prefix), target, shown(prefix));
        break;
    case PLACED_OUT_OF_MEMORY:
        report("%s: %s not served: out of memory", shown(prefix), target);
        break;
    }
    pool_retire(entry.pool);
    free(entry.target);
    return placed == PLACED_SWITCHED ? 0 : placed == PLACED_SHADOWED ? 1 : -1;
}

void route_table_remove(struct route_table *table, const char *prefix)
{
    pthread_rwlock_wrlock(&table->lock);
    bool found;
    size_t at = position(table, prefix, &found);
    struct route_entry removed = {0};
    if (found && table->entries[at].from_functions) {
        removed = table->entries[at];
        table->count--;
        memmove(&table->entries[at], &table->entries[at + 1],
                (table->count - at) * sizeof *table->entries);
    }
    pthread_rwlock_unlock(&table->lock);

    if (removed.pool == NULL)
        return;
    report("%s: removed", shown(prefix));
    pool_retire(removed.pool);
    free(removed.target);
}

struct pool *route_table_find(struct route_table *table, const char *path, char *prefix)
{
    pthread_rwlock_rdlock(&table->lock);
    const struct route_entry *best = NULL;
    for (size_t i = 0; i < table->count; i++) {
        const struct route_entry *entry = &table->entries[i];
        if (route_prefix_matches(entry->prefix, path) &&
            (best == NULL || strlen(entry->prefix) > strlen(best->prefix)))
            best = entry;
    }
    struct pool *pool = NULL;
    if (best != NULL) {
        pool = best->pool;
        pool_hold(pool);
        strcpy(prefix, best->prefix);
    }
    pthread_rwlock_unlock(&table->lock);
    return pool;
}

/* The figures and, after them in the same block, the targets they point
 * to: one free() lets go of both, and no target can go while in use. */
static void copy_stats(const struct route_table *table, struct route_stats *all)
{
    char *text = (char *)(all + table->count);
    for (size_t i = 0; i < table->count; i++) {
        const struct route_entry *entry = &table->entries[i];
        strcpy(all[i].prefix, shown(entry->prefix));
        all[i].target = strcpy(text, entry->target);
        text += strlen(text) + 1;
        all[i].from_functions = entry->from_functions;
        pool_stats(entry->pool, &all[i].stats);
    }
}

long route_table_stats(struct route_table *table, struct route_stats **stats)
{
    pthread_rwlock_rdlock(&table->lock);
    size_t size = table->count * sizeof **stats;
    for (size_t i = 0; i < table->count; i++)
        size += strlen(table->entries[i].target) + 1;
    struct route_stats *all = malloc(size ? size : 1);
    long count = all ? (long)table->count : -1;
    if (all != NULL)
        copy_stats(table, all);
    pthread_rwlock_unlock(&table->lock);
    if (all == NULL)
        return report("serve: route figures: out of memory");
    *stats = all;
    return count;
}

void route_table_free(struct route_table *table)
{
    for (size_t i = 0; i < table->count; i++) {
        pool_retire(table->entries[i].pool);
        free(table->entries[i].target);
    }
    free(table->entries);
    pthread_rwlock_destroy(&table->lock);
    free(table);
}
