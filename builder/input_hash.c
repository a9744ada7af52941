#include "input_hash.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kiln/version.h>

#include "common/paths.h"
#include "common/report.h"
#include "library_search.h"

/* What gcc reads from the environment that can change an image. */
static const char *const compiler_environment[] = {
    "CPATH",         "C_INCLUDE_PATH", "LIBRARY_PATH",      "GCC_EXEC_PREFIX",
    "COMPILER_PATH", "REALGCC",        "SOURCE_DATE_EPOCH",
};

static void add_count(struct content_hasher *hasher, uint64_t count)
{
    content_hasher_add(hasher, &count, sizeof count);
}

/* Length first, so that no two lists of strings hash alike. */
static void add_string(struct content_hasher *hasher, const char *text)
{
    size_t len = strlen(text);
    add_count(hasher, len);
    content_hasher_add(hasher, text, len);
}

static void add_file(struct content_hasher *hasher, const char *path,
                     const struct content_hash *hash)
{
    add_string(hasher, path);
    content_hasher_add(hasher, hash->bytes, sizeof hash->bytes);
}

int input_hash_image_path(const char *path, const char *cwd, char *out, size_t out_size)
{
    size_t cwd_len = strlen(cwd);
    int len;
    if (strncmp(path, cwd, cwd_len) == 0 && path[cwd_len] == '/')
        len = snprintf(out, out_size, ".%s", path + cwd_len);
    else
        len = snprintf(out, out_size, "%s", path);
    if (len >= 0 && (size_t)len < out_size)
        return 0;
    return report("%s: path too long", path);
}

/* Hashes the file's path as the image sees it, then its bytes. */
static int add_input(struct content_hasher *hasher, const char *path, const char *image_path)
{
    struct content_hash hash;
    int rc = content_hash_file(path, &hash);
    if (rc != 0)
        return report("%s: cannot read: %s", path, strerror(-rc));
    add_file(hasher, image_path, &hash);
    return 0;
}

int builder_runtime_hash(const char *runtime_dir, struct content_hash *hash)
{
    static const char *const files[] = {"libkiln.a", "ready.o", "kiln.ld"};
    char path[PATH_MAX];
    struct content_hasher hasher;
    content_hasher_start(&hasher);
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        if (path_join(path, sizeof path, runtime_dir, files[i]) != 0)
            return report("runtime not found: %s/%s (path too long)", runtime_dir, files[i]);
        if (add_input(&hasher, path, files[i]) != 0)
            return -1;
    }
    *hash = content_hasher_digest(&hasher);
    return 0;
}

static int add_runtime(struct content_hasher *hasher, const struct build_options *options)
{
    struct content_hash hash;
    if (options->runtime_hash != NULL)
        hash = *options->runtime_hash;
    else if (builder_runtime_hash(options->runtime_dir, &hash) != 0)
        return -1;
    content_hasher_add(hasher, hash.bytes, sizeof hash.bytes);
    return 0;
}

/* The flags whose value is the next flag; those of them that name a file
 * or folder count as the image names it. */
static const struct {
    const char *flag;
    bool is_path;
} valued_flags[] = {
    {"-I", true}, {"-isystem", true}, {"-include", true},
    {"-L", true}, {"-D", false},      {"-U", false},
};

static bool takes_value(const char *flag, bool *is_path)
{
    for (size_t i = 0; i < sizeof valued_flags / sizeof valued_flags[0]; i++) {
        if (strcmp(flag, valued_flags[i].flag) == 0) {
            *is_path = valued_flags[i].is_path;
            return true;
        }
    }
    return false;
}

/* A folder counts as the image names its files: the headers a build read
 * are looked up again under the current folder, so a folder given by its
 * absolute path must not match the same path elsewhere. */
static int add_flags(struct content_hasher *hasher, const char *const *flags, size_t count,
                     const char *cwd)
{
    char image_path[PATH_MAX];
    add_count(hasher, count);
    for (size_t i = 0; i < count; i++) {
        bool is_path = false;
        add_string(hasher, flags[i]);
        if (!takes_value(flags[i], &is_path) || i + 1 == count)
            continue;
        const char *value = flags[++i];
        if (is_path && input_hash_image_path(value, cwd, image_path, sizeof image_path) != 0)
            return -1;
        add_string(hasher, is_path ? image_path : value);
    }
    return 0;
}

/* An archive from the build's own -L folders, by its path and bytes; one
 * from the compiler's folders comes with the compiler's identity. */
static int add_library(struct content_hasher *hasher, const struct build_options *options,
                       const char *name, const char *cwd)
{
    char path[PATH_MAX], image_path[PATH_MAX];
    add_string(hasher, name);
    int found = library_search(options, name, path, sizeof path);
    if (found < 0)
        return -1;
    add_count(hasher, (uint64_t)found);
    if (found == 0)
        return 0;
    if (input_hash_image_path(path, cwd, image_path, sizeof image_path) != 0)
        return -1;
    return add_input(hasher, path, image_path);
}

static int add_options(struct content_hasher *hasher, const struct build_options *options,
                       const char *cwd)
{
    add_count(hasher, options->default_mem);
    if (add_flags(hasher, options->cflags, options->cflag_count, cwd) != 0 ||
        add_flags(hasher, options->ldflags, options->ldflag_count, cwd) != 0)
        return -1;
    add_count(hasher, options->lib_count);
    for (size_t i = 0; i < options->lib_count; i++)
        if (add_library(hasher, options, options->libs[i], cwd) != 0)
            return -1;
    return 0;
}

static void add_environment(struct content_hasher *hasher)
{
    for (size_t i = 0; i < sizeof compiler_environment / sizeof compiler_environment[0]; i++) {
        const char *value = getenv(compiler_environment[i]);
        add_string(hasher, compiler_environment[i]);
        add_string(hasher, value != NULL ? "set" : "unset");
        add_string(hasher, value != NULL ? value : "");
    }
}

static int add_sources(struct content_hasher *hasher, const struct build_options *options,
                       const char *cwd)
{
    char image_path[PATH_MAX];
    add_count(hasher, options->source_count);
    for (size_t i = 0; i < options->source_count; i++) {
        const char *source = options->sources[i];
        if (input_hash_image_path(source, cwd, image_path, sizeof image_path) != 0 ||
            add_input(hasher, source, image_path) != 0)
            return -1;
    }
    return 0;
}

/* A Linux program by its bytes and its path, which a dynamic one's
 * $ORIGIN depends on. */
static int add_program(struct content_hasher *hasher, const struct build_options *options)
{
    add_count(hasher, options->program != NULL);
    return options->program != NULL ? add_input(hasher, options->program, options->program) : 0;
}

/* The blob is every embedded path, mode and byte, normalized: the same
 * files hash alike from a folder or from any archive. */
static void add_files(struct content_hasher *hasher, const struct files_blob *files)
{
    add_count(hasher, files->size);
    content_hasher_add(hasher, files->bytes, files->size);
}

int input_hash_start(struct input_hash *inputs, const struct build_options *options,
                     const struct compiler_identity *compiler, const struct files_blob *files,
                     const char *cwd)
{
    struct content_hasher *hasher = &inputs->hasher;
    content_hasher_start(hasher);
    add_string(hasher, "kiln " KILN_VERSION);
    add_string(hasher, compiler->path);
    add_string(hasher, compiler->version);
    add_environment(hasher);
    add_files(hasher, files);
    if (add_options(hasher, options, cwd) != 0 || add_runtime(hasher, options) != 0 ||
        add_sources(hasher, options, cwd) != 0 || add_program(hasher, options) != 0)
        return -1;
    inputs->sources_key = content_hasher_digest(hasher);
    return 0;
}

struct content_hash input_hash_finish(const struct input_hash *inputs,
                                      const struct input_file *headers, size_t count)
{
    struct content_hasher hasher = inputs->hasher;
    add_count(&hasher, count);
    for (size_t i = 0; i < count; i++)
        add_file(&hasher, headers[i].path, &headers[i].hash);
    return content_hasher_digest(&hasher);
}
