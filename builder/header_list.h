/*
 * The headers a build read, gathered from the compiler's dependency files
 * (-MD): each once, named as the image names it, with the hash of its
 * bytes, sorted by name so that the input hash does not depend on the
 * order the compiler met them.
 */
#ifndef KILN_HEADER_LIST_H
#define KILN_HEADER_LIST_H

#include <stddef.h>

#include "builder.h"
#include "input_hash.h"

struct header_list {
    struct input_file *files; /* paths owned by the list */
    size_t count;
    size_t capacity;
};

/* Adds the prerequisites of the dependency file at depfile, but for the
 * build's sources.  Returns 0, or -1 (reported). */
int header_list_add_depfile(struct header_list *list, const char *depfile,
                            const struct build_options *options, const char *cwd);

/* Sorts the list by path and drops repeats. */
void header_list_sort(struct header_list *list);

void header_list_free(struct header_list *list);

#endif
