/*
 * kiln serve --functions DIR: every image (NAME.kiln) or C source (NAME.c)
 * in DIR answers at /NAME.  The folder is read when serving starts, then
 * watched with inotify: a file written or moved in is (re)opened and
 * switched to once its pool is ready, so requests meanwhile still reach the
 * old one; a file removed or moved out stops being served, and its
 * requests in flight finish.  Names that are not a route's ("a b.c",
 * ".hidden.kiln") and files of other kinds are left alone.  NAME.c and
 * NAME.kiln side by side: the image wins.
 */
#ifndef KILN_FUNCTIONS_DIR_H
#define KILN_FUNCTIONS_DIR_H

#include "pool.h"
#include "route_table.h"

struct functions_dir_options {
    const char *dir;
    struct route_table *table;
    /* Opens the pool of the function at path, named prefix ("/NAME"),
     * building it first when it is a .c file; NULL if that failed
     * (reported). */
    struct pool *(*open_function)(void *context, const char *prefix, const char *path);
    void *context;
};

enum function_file { FUNCTION_FILE_NONE, FUNCTION_FILE_IMAGE, FUNCTION_FILE_SOURCE };

/* What a file of the folder is: NAME.kiln (an image) or NAME.c (a C
 * source), with "/NAME" written to prefix (ROUTE_PREFIX_MAX bytes), where
 * NAME is made of A-Z a-z 0-9 . _ -, does not start with '.' and is short
 * enough for a route; or neither, and left alone. */
enum function_file functions_dir_file(const char *file_name, char *prefix);

/* Serves every function in the folder, then watches it on a thread of
 * its own.  NULL if the folder cannot be read or watched (reported); a
 * function that fails to open is reported and left out. */
struct functions_dir *functions_dir_start(const struct functions_dir_options *options);

/* Stops watching; the functions stay in the table. */
void functions_dir_stop(struct functions_dir *functions);

#endif
