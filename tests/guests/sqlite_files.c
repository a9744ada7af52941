/*
 * SQLite on kiln's files, linked with SQLite's own amalgamation:
 *
 *   sqlite_files DB create   makes DB with ROWS rows, then sorts them with
 *                            a cache too small to hold them, so SQLite's
 *                            sorter spills to temporary files in /tmp
 *   sqlite_files DB check    reopens DB and prints what create wrote
 *   sqlite_files DB both     create, close, then check, in one process
 *
 * Both print the row count and a checksum, so a database written in one
 * VM can be checked in the next, or on the host.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sqlite3.h"

#define ROWS 60000
#define INSERT_ROW                                                                                 \
    "INSERT INTO t(v) VALUES (printf('%08x-%s-%s', ?1, hex(?1 * 7919), hex(?1 * 104729)))"

static int fail(sqlite3 *db, const char *what)
{
    fprintf(stderr, "sqlite_files: %s: %s\n", what, sqlite3_errmsg(db));
    sqlite3_close(db);
    return 1;
}

static int exec(sqlite3 *db, const char *sql)
{
    char *error = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &error) == SQLITE_OK)
        return 0;
    fprintf(stderr, "sqlite_files: %s: %s\n", sql, error);
    sqlite3_free(error);
    return -1;
}

static int fill(sqlite3 *db)
{
    sqlite3_stmt *insert;
    if (exec(db, "CREATE TABLE t(k INTEGER PRIMARY KEY, v TEXT)") != 0 || exec(db, "BEGIN") != 0 ||
        sqlite3_prepare_v2(db, INSERT_ROW, -1, &insert, NULL) != SQLITE_OK)
        return -1;
    for (int i = 0; i < ROWS; i++) {
        sqlite3_bind_int(insert, 1, (int)((i * 40503L) % ROWS));
        if (sqlite3_step(insert) != SQLITE_DONE)
            return -1;
        sqlite3_reset(insert);
    }
    sqlite3_finalize(insert);
    return exec(db, "COMMIT");
}

/* Sorting every row through a 32 KiB cache makes the sorter spill. */
static int sorted_checksum(sqlite3 *db, unsigned *sum, int *rows)
{
    sqlite3_stmt *query;
    if (sqlite3_prepare_v2(db, "SELECT v FROM t ORDER BY v DESC", -1, &query, NULL) != SQLITE_OK)
        return -1;
    *sum = 0;
    *rows = 0;
    while (sqlite3_step(query) == SQLITE_ROW) {
        for (const unsigned char *c = sqlite3_column_text(query, 0); *c; c++)
            *sum = *sum * 31 + *c;
        ++*rows;
    }
    return sqlite3_finalize(query) == SQLITE_OK ? 0 : -1;
}

/* Opens DB, fills it if asked, and prints its sorted checksum. */
static int run(const char *path, int create)
{
    sqlite3 *db;
    int flags = create ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE : SQLITE_OPEN_READONLY;
    if (sqlite3_open_v2(path, &db, flags, NULL) != SQLITE_OK)
        return fail(db, path);
    if (create && fill(db) != 0)
        return fail(db, "fill");
    if (exec(db, "PRAGMA cache_size=-32; PRAGMA temp_store=FILE") != 0)
        return fail(db, "pragma");
    unsigned sum;
    int rows;
    if (sorted_checksum(db, &sum, &rows) != 0)
        return fail(db, "sort");
    printf("rows %d checksum %08x\n", rows, sum);
    return sqlite3_close(db) == SQLITE_OK ? 0 : 1;
}

int main(int argc, char **argv)
{
    const char *mode = argc == 3 ? argv[2] : "";
    if (strcmp(mode, "create") == 0)
        return run(argv[1], 1);
    if (strcmp(mode, "check") == 0)
        return run(argv[1], 0);
    if (strcmp(mode, "both") == 0)
        return run(argv[1], 1) || run(argv[1], 0);
    fprintf(stderr, "usage: sqlite_files DB create|check|both\n");
    return 2;
}
