#include "header_list.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "common/array_grow.h"
#include "common/mapped_file.h"
#include "common/report.h"
#include "depfile.h"

#define FIRST_HEADERS 16

struct adding {
    struct header_list *list;
    const struct build_options *options;
    const char *cwd;
    const char *depfile;
    bool reported;
};

static bool is_source(const struct build_options *options, const char *path)
{
    for (size_t i = 0; i < options->source_count; i++)
        if (strcmp(options->sources[i], path) == 0)
            return true;
    return false;
}

static int append(struct header_list *list, const char *image_path, const struct content_hash *hash)
{
    struct input_file *files =
        array_grow(list->files, &list->capacity, list->count + 1, sizeof *files, FIRST_HEADERS);
    if (files == NULL)
        return -1;
    list->files = files;
    char *path = strdup(image_path);
    if (path == NULL)
        return -1;
    list->files[list->count++] = (struct input_file){path, *hash};
    return 0;
}

static int add_prerequisite(const char *path, void *context)
{
    struct adding *adding = context;
    char image_path[PATH_MAX];
    struct content_hash hash;
    if (is_source(adding->options, path))
        return 0;
    int rc = content_hash_file(path, &hash);
    if (rc != 0) {
        report("%s: cannot read this header the build read: %s", path, strerror(-rc));
        adding->reported = true;
        return -1;
    }
    if (input_hash_image_path(path, adding->cwd, image_path, sizeof image_path) != 0) {
        adding->reported = true;
        return -1;
    }
    return append(adding->list, image_path, &hash);
}

int header_list_add_depfile(struct header_list *list, const char *depfile,
                            const struct build_options *options, const char *cwd)
{
    struct adding adding = {list, options, cwd, depfile, false};
    struct mapped_file file;
    int rc = mapped_file_open(&file, depfile);
    if (rc != 0)
        return report("%s: cannot read the compiler's dependency file: %s", depfile, strerror(-rc));
    rc = depfile_parse((const char *)file.bytes, file.size, add_prerequisite, &adding);
    if (rc != 0 && !adding.reported)
        report("%s: %s", depfile,
               errno == EINVAL ? "not the compiler's dependency rule" : strerror(errno));
    mapped_file_close(&file);
    return rc;
}

static int by_path(const void *a, const void *b)
{
    return strcmp(((const struct input_file *)a)->path, ((const struct input_file *)b)->path);
}

void header_list_sort(struct header_list *list)
{
    if (list->count == 0)
        return;
    qsort(list->files, list->count, sizeof *list->files, by_path);
    size_t kept = 1;
    for (size_t i = 1; i < list->count; i++) {
        if (strcmp(list->files[i].path, list->files[kept - 1].path) == 0)
            free((char *)list->files[i].path);
        else
            list->files[kept++] = list->files[i];
    }
    list->count = kept;
}

void header_list_free(struct header_list *list)
{
    for (size_t i = 0; i < list->count; i++)
        free((char *)list->files[i].path);
    free(list->files);
    *list = (struct header_list){0};
}
