/*
 * builder_build_cached: the image from the build cache, or built into it.
 * Each source is compiled in a scratch folder under $TMPDIR (its object
 * and the list of headers it read), the embedded files are assembled
 * there into one more object, then all are linked into a temporary
 * file in the cache, whose system calls are rewritten to stay in ring 3
 * (syscall_sites.h), and which is renamed into place once its name, the
 * input hash, is known: a failed or interrupted build leaves no entry behind.
 */
#include "builder.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "build_cache.h"
#include "common/atomic_file.h"
#include "common/mapped_file.h"
#include "common/paths.h"
#include "common/report.h"
#include "compiler.h"
#include "compiler_identity.h"
#include "embedded_files.h"
#include "header_list.h"
#include "input_hash.h"
#include "inputs.h"
#include "musl_command.h"
#include "program_image.h"
#include "syscall_sites.h"

#define DEFAULT_TMPDIR "/tmp"
#define SCRATCH_NAME   "kiln-build-XXXXXX"

/* The scratch folder: source i compiles to i.o and lists its headers in i.d. */
struct scratch {
    char dir[PATH_MAX];
    char **objects;
    char **depfiles;
    size_t count;
};

static void scratch_remove(struct scratch *scratch)
{
    for (size_t i = 0; i < scratch->count; i++) {
        unlink(scratch->objects[i]);
        unlink(scratch->depfiles[i]);
        free(scratch->objects[i]);
        free(scratch->depfiles[i]);
    }
    free(scratch->objects);
    free(scratch->depfiles);
    embedded_files_remove(scratch->dir);
    rmdir(scratch->dir);
}

static int scratch_name(struct scratch *scratch, size_t index)
{
    if (asprintf(&scratch->objects[index], "%s/%zu.o", scratch->dir, index) < 0)
        return -1;
    if (asprintf(&scratch->depfiles[index], "%s/%zu.d", scratch->dir, index) < 0) {
        free(scratch->objects[index]);
        return -1;
    }
    scratch->count++;
    return 0;
}

static int scratch_create(struct scratch *scratch, size_t source_count)
{
    const char *tmpdir = getenv("TMPDIR");
    if (tmpdir == NULL || *tmpdir == '\0')
        tmpdir = DEFAULT_TMPDIR;
    *scratch = (struct scratch){0};
    if (path_join(scratch->dir, sizeof scratch->dir, tmpdir, SCRATCH_NAME) != 0)
        return report("build failed: TMPDIR too long: %s", tmpdir);
    if (mkdtemp(scratch->dir) == NULL)
        return report("build failed: cannot create a scratch folder in %s: %s", tmpdir,
                      strerror(errno));
    scratch->objects = calloc(source_count, sizeof *scratch->objects);
    scratch->depfiles = calloc(source_count, sizeof *scratch->depfiles);
    int rc = scratch->objects != NULL && scratch->depfiles != NULL ? 0 : -1;
    for (size_t i = 0; rc == 0 && i < source_count; i++)
        rc = scratch_name(scratch, i);
    if (rc != 0) {
        report("build failed: %s", strerror(ENOMEM));
        scratch_remove(scratch);
    }
    return rc;
}

/* Runs a command musl_command filled (filled: what that returned) with
 * runner, compiler_run or compiler_run_link. */
static int run(struct musl_command *command, int filled, bool verbose,
               int (*runner)(const struct musl_command *command, bool verbose))
{
    if (filled != 0)
        return report("build failed: %s", strerror(errno));
    int rc = runner(command, verbose);
    musl_command_free(command);
    return rc;
}

static int compile_and_link(const struct build_options *options, const char *cwd,
                            const struct scratch *scratch, const struct files_blob *files,
                            const char *output)
{
    struct musl_command command;
    char files_object[PATH_MAX] = "";
    for (size_t i = 0; i < options->source_count; i++) {
        int filled = musl_command_compile(&command, options, cwd, i, scratch->objects[i],
                                          scratch->depfiles[i]);
        if (run(&command, filled, options->verbose, compiler_run) != 0)
            return -1;
    }
    if (files->size > 0 && embedded_files_object(files, scratch->dir, options->verbose,
                                                 files_object, sizeof files_object) != 0)
        return -1;
    int filled = musl_command_link(&command, options, (const char *const *)scratch->objects,
                                   files->size > 0 ? files_object : NULL, output);
    return run(&command, filled, options->verbose, compiler_run_link);
}

static int gather_headers(const struct build_options *options, const char *cwd,
                          const struct scratch *scratch, struct header_list *headers)
{
    for (size_t i = 0; i < options->source_count; i++)
        if (header_list_add_depfile(headers, scratch->depfiles[i], options, cwd) != 0)
            return -1;
    header_list_sort(headers);
    return 0;
}

/* A Linux program, read and placed before the runtime links above it. */
struct program {
    struct program_elf elf;
    struct program_layout layout;
};

/* A C program's system calls are rewritten to stay in ring 3; a Linux
 * program is placed, unchanged, beside the runtime that linked alone. */
static int finish_image(const struct build_options *options, const struct program *program,
                        const char *temp)
{
    if (program != NULL)
        return program_image_append(temp, &program->layout, &program->elf, options->verbose);
    return syscall_sites_patch(temp, options->verbose);
}

static int build_with(const struct build_options *options, const char *cwd,
                      const struct scratch *scratch, const struct files_blob *files,
                      const struct program *program, const struct input_hash *inputs,
                      struct built_image *image)
{
    char base[PATH_MAX], temp[PATH_MAX];
    struct header_list headers = {0};
    if (build_cache_temp_base(options->cache_dir, inputs, base, sizeof base) != 0)
        return -1;
    int fd = atomic_file_create(base, temp, sizeof temp);
    if (fd < 0)
        return -1;
    close(fd);
    int rc = compile_and_link(options, cwd, scratch, files, temp);
    if (rc == 0)
        rc = finish_image(options, program, temp);
    if (rc == 0)
        rc = gather_headers(options, cwd, scratch, &headers);
    if (rc == 0)
        rc = build_cache_store(options->cache_dir, inputs, &headers, temp, image);
    if (rc != 0)
        unlink(temp);
    header_list_free(&headers);
    return rc;
}

static int build_into_cache(const struct build_options *options, const char *cwd,
                            const struct files_blob *files, const struct program *program,
                            const struct input_hash *inputs, struct built_image *image)
{
    struct scratch scratch;
    if (scratch_create(&scratch, options->source_count) != 0)
        return -1;
    int rc = build_with(options, cwd, &scratch, files, program, inputs, image);
    scratch_remove(&scratch);
    return rc;
}

/* Returns 1 with image filled, 0 when the cache lacks it and build is
 * false, or -1 (reported). */
static int build_cached_with(const struct build_options *options, const char *compiler_path,
                             const struct files_blob *files, const struct program *program,
                             bool build, struct built_image *image)
{
    char cwd[PATH_MAX];
    struct compiler_identity compiler;
    struct input_hash inputs;
    if (getcwd(cwd, sizeof cwd) == NULL)
        return report("build failed: cannot get the current directory: %s", strerror(errno));
    if (compiler_identity_find(&compiler, compiler_path, options->cache_dir) != 0 ||
        input_hash_start(&inputs, options, &compiler, files, cwd) != 0)
        return -1;
    int found = build_cache_find(options->cache_dir, &inputs, build, image, options->verbose);
    if (found != 0 || !build)
        return found;
    return build_into_cache(options, cwd, files, program, &inputs, image) < 0 ? -1 : 1;
}

/* The embedded files are read first, a dynamic program's libraries among
 * them: the input hash covers their bytes. */
static int build_files_cached(const struct build_options *options, const char *compiler_path,
                              const struct program *program, bool build, struct built_image *image)
{
    struct files_blob files;
    if (embedded_files_gather(options->files, options->files_count,
                              program != NULL ? &program->elf : NULL, options->verbose,
                              &files) != 0)
        return -1;
    int rc = build_cached_with(options, compiler_path, &files, program, build, image);
    files_blob_free(&files);
    return rc;
}

static int cached_image(const struct build_options *options, bool build, struct built_image *image)
{
    char compiler_path[PATH_MAX];
    struct program program;
    if (inputs_check(options, compiler_path, sizeof compiler_path) < 0)
        return -1;
    if (options->program == NULL)
        return build_files_cached(options, compiler_path, NULL, build, image);
    if (program_elf_open(&program.elf, options->program, PROGRAM_MAIN) != 0)
        return -1;
    int rc = program_layout_plan(&program.layout, &program.elf);
    if (rc == 0) {
        struct build_options placed = *options;
        placed.runtime_base = program.layout.runtime_base;
        rc = build_files_cached(&placed, compiler_path, &program, build, image);
        program_layout_close(&program.layout);
    }
    program_elf_close(&program.elf);
    return rc;
}

int builder_build_cached(const struct build_options *options, struct built_image *image)
{
    return cached_image(options, true, image) < 0 ? -1 : 0;
}

int builder_find_cached(const struct build_options *options, struct built_image *image)
{
    return cached_image(options, false, image);
}

bool builder_is_program(const char *path)
{
    struct mapped_file file;
    if (mapped_file_open(&file, path) != 0)
        return false;
    bool program = program_elf_is_foreign(file.bytes, file.size);
    mapped_file_close(&file);
    return program;
}

static int copy_image(const char *from, const char *to)
{
    struct mapped_file file;
    int rc = mapped_file_open(&file, from);
    if (rc != 0)
        return report("%s: cannot read the cached image: %s", from, strerror(-rc));
    struct iovec bytes = {file.bytes, file.size};
    rc = atomic_file_write(to, IMAGE_MODE, &bytes, 1);
    mapped_file_close(&file);
    return rc;
}

int builder_build(const struct build_options *options)
{
    struct built_image image;
    if (builder_build_cached(options, &image) != 0)
        return -1;
    return copy_image(image.path, options->output);
}
