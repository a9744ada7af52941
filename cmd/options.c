#include "options.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kiln/abi.h>

#include "common/paths.h"
#include "compiler_flags.h"
#include "option_parser.h"
#include "option_values.h"
#include "volume_options.h"

/* The options of kiln run alone. */
enum {
    OPT_ENV = OPT_COMMAND_FIRST,
    OPT_TRACE_BOOT,
    OPT_STRACE,
    OPT_VERBOSE,
    OPT_FILES,
    OPT_ELF,
    OPT_JUNIT,
    OPT_TAP,
    OPT_NO_CACHE,
    OPT_SHARD,
    OPT_LIST,
    OPT_REPEAT,
    OPT_VM,
    OPT_GDB,
    OPT_DUMPCORE,
    OPT_TMPFS,
};

/* Where kiln run --gdb listens when given a port alone: this machine only. */
#define GDB_DEFAULT_HOST "127.0.0.1"

/* kiln test's bounds: more jobs than this only queue up on the CPUs, and a
 * suite split over more machines than this is no CI matrix. */
#define TEST_JOBS_MAX   1024
#define TEST_REPEAT_MAX 10000
#define TEST_SHARDS_MAX 10000
/* A test that runs away is stopped after this, unless --timeout says. */
#define TEST_DEFAULT_TIMEOUT_MS 60000

static const struct option_spec output_option = {'o', NULL, "an image file name"};
static const struct option_spec env_option = {OPT_ENV, "env", "NAME=VALUE"};
static const struct option_spec trace_boot_option = {OPT_TRACE_BOOT, "trace-boot", NULL};
static const struct option_spec strace_option = {OPT_STRACE, "strace", NULL};
/* The build options, which kiln run takes too for .c files. */
static const struct option_spec include_option = {'I', NULL, "a directory"};
static const struct option_spec define_option = {'D', NULL, "a macro (NAME or NAME=VALUE)"};
static const struct option_spec optimize_option = {'O', NULL, "a level (0, 1, 2, 3, s, g)"};
static const struct option_spec library_option = {'l', NULL, "a library name"};
static const struct option_spec verbose_option = {'v', NULL, NULL};
/* kiln run's -v is docker's: a volume. */
static const struct option_spec run_verbose_option = {OPT_VERBOSE, "verbose", NULL};
static const struct option_spec volume_option = {'v', "volume", "HOST_DIR:GUEST_DIR[:ro|:rw]"};
static const struct option_spec workdir_option = {'w', "workdir", "a guest folder"};
static const struct option_spec tmpfs_option = {OPT_TMPFS, "tmpfs", "a guest folder"};
static const struct option_spec files_option = {OPT_FILES, "files", "a folder or an archive"};
static const struct option_spec elf_option = {OPT_ELF, "elf", "a Linux x86-64 program"};

static const struct option_spec jobs_option = {'j', "jobs", "a number of tests"};
static const struct option_spec junit_option = {OPT_JUNIT, "junit", "a file name"};
static const struct option_spec tap_option = {OPT_TAP, "tap", NULL};
static const struct option_spec no_cache_option = {OPT_NO_CACHE, "no-cache", NULL};
static const struct option_spec shard_option = {OPT_SHARD, "shard", "K/N"};
static const struct option_spec list_option = {OPT_LIST, "list", NULL};
static const struct option_spec repeat_option = {OPT_REPEAT, "repeat", "a number of runs"};
static const struct option_spec vm_option = {OPT_VM, "vm", NULL};
static const struct option_spec gdb_option = {OPT_GDB, "gdb", "[ADDR:]PORT"};
static const struct option_spec dumpcore_option = {OPT_DUMPCORE, "dumpcore", "a folder"};

static const struct option_spec *const build_options[OPTIONS_MAX] = {
    &help_option,     &output_option,  &mem_option,     &include_option, &define_option,
    &optimize_option, &library_option, &verbose_option, &files_option,   &elf_option,
};

static const struct option_spec *const run_options[OPTIONS_MAX] = {
    &help_option,        &mem_option,      &timeout_option, &env_option,      &trace_boot_option,
    &strace_option,      &include_option,  &define_option,  &optimize_option, &library_option,
    &run_verbose_option, &files_option,    &volume_option,  &tmpfs_option,    &workdir_option,
    &gdb_option,         &dumpcore_option,
};

static const struct option_spec *const test_options[OPTIONS_MAX] = {
    &help_option,     &mem_option,         &timeout_option, &env_option,    &include_option,
    &define_option,   &optimize_option,    &library_option, &files_option,  &volume_option,
    &workdir_option,  &run_verbose_option, &jobs_option,    &junit_option,  &tap_option,
    &no_cache_option, &shard_option,       &list_option,    &repeat_option, &vm_option,
    &gdb_option,
};

/* Option handlers return 0, or -1 with the reason in the parser's error. */
static int add_include_dir(struct parser *parser, struct compile_args *compile, const char *dir)
{
    if (*dir == '\0')
        return refuse(parser, "-I needs a directory");
    compile->cflags[compile->cflag_count++] = "-I";
    compile->cflags[compile->cflag_count++] = dir;
    return 0;
}

static int add_define(struct parser *parser, struct compile_args *compile, const char *macro)
{
    if (*macro == '\0' || *macro == '=')
        return refuse(parser, "-D: \"%s\" is not NAME or NAME=VALUE", macro);
    compile->cflags[compile->cflag_count++] = "-D";
    compile->cflags[compile->cflag_count++] = macro;
    return 0;
}

static int add_optimization(struct parser *parser, struct compile_args *compile, const char *level)
{
    static const char *const flags[] = {"-O0", "-O1", "-O2", "-O3", "-Os", "-Og"};
    for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++) {
        if (strcmp(level, flags[i] + 2) == 0) {
            compile->cflags[compile->cflag_count++] = flags[i];
            return 0;
        }
    }
    return refuse(parser, "-O: \"%s\" is not an optimization level (0, 1, 2, 3, s, g)", level);
}

static int add_library(struct parser *parser, struct compile_args *compile, const char *name)
{
    if (*name == '\0')
        return refuse(parser, "-l needs a library name");
    compile->libs[compile->lib_count++] = name;
    return 0;
}

/* PATH or PATH:GUEST_DIR, split at the last ':' (a PATH with a colon
 * in it is given as PATH:/). */
static int add_files(struct parser *parser, struct compile_args *compile, const char *value)
{
    const char *colon = strrchr(value, ':');
    const char *guest_dir = colon != NULL ? colon + 1 : "/";
    size_t path_len = colon != NULL ? (size_t)(colon - value) : strlen(value);
    if (path_len == 0)
        return refuse(parser, "--files: \"%s\" names no folder or archive", value);
    if (guest_dir[0] != '/')
        return refuse(parser, "--files: \"%s\": GUEST_DIR must be absolute (PATH:/folder)", value);
    char *path = strndup(value, path_len);
    if (path == NULL)
        return refuse(parser, "out of memory");
    compile->files[compile->files_count++] = (struct files_source){path, guest_dir};
    return 0;
}

/* One of the build options. */
static int compile_option(struct parser *parser, int code, const char *value,
                          struct compile_args *compile)
{
    switch (code) {
    case 'I':
        return add_include_dir(parser, compile, value);
    case 'D':
        return add_define(parser, compile, value);
    case 'O':
        return add_optimization(parser, compile, value);
    case 'l':
        return add_library(parser, compile, value);
    case OPT_FILES:
        return add_files(parser, compile, value);
    default: /* -v, or kiln run's --verbose */
        compile->verbose = true;
        return 0;
    }
}

/* Room for every argument, so that parsing never has to grow an array;
 * cflags and ldflags take two slots for "-Idir" ("-I", "dir"). */
static int alloc_compile(struct parser *parser, struct compile_args *compile)
{
    size_t slots = (size_t)parser->argc + 1;
    compile->sources = calloc(slots, sizeof *compile->sources);
    compile->cflags = calloc(2 * slots, sizeof *compile->cflags);
    compile->ldflags = calloc(2 * slots, sizeof *compile->ldflags);
    compile->libs = calloc(slots, sizeof *compile->libs);
    compile->files = calloc(slots, sizeof *compile->files);
    if (compile->sources == NULL || compile->cflags == NULL || compile->ldflags == NULL ||
        compile->libs == NULL || compile->files == NULL)
        return refuse(parser, "out of memory");
    return 0;
}

static void free_compile(struct compile_args *compile)
{
    free(compile->sources);
    free(compile->cflags);
    free(compile->ldflags);
    free(compile->libs);
    for (size_t i = 0; i < compile->files_count; i++)
        free((char *)compile->files[i].path);
    free(compile->files);
}

static int build_option(struct parser *parser, int code, const char *value, void *taken)
{
    struct build_args *args = taken;
    switch (code) {
    case OPT_OPERAND:
        args->compile.sources[args->compile.source_count++] = value;
        return 0;
    case 'o':
        args->output = value;
        return 0;
    case OPT_MEM:
        args->mem_given = true;
        return mem_value(parser, value, &args->default_mem);
    case OPT_ELF:
        if (args->compile.program != NULL)
            return refuse(parser, "--elf given twice");
        args->compile.program = value;
        return 0;
    default:
        return compile_option(parser, code, value, &args->compile);
    }
}

static int claim_build_flag(struct parser *parser, void *taken)
{
    struct build_args *args = taken;
    return compiler_flags_take(parser, &args->compile);
}

static int parse_build_line(struct parser *parser, struct build_args *args)
{
    struct compile_args *compile = &args->compile;
    if (read_options(parser, build_option, args, &args->help) < 0)
        return -1;
    if (args->help)
        return 0;
    for (int i = parser->at + 1; i < parser->argc; i++) /* what follows "--" */
        compile->sources[compile->source_count++] = parser->argv[i];
    if (compile->program != NULL && compile->source_count > 0)
        return refuse(parser, "--elf builds a program as it is: give it no .c files");
    if (compile->source_count == 0 && compile->program == NULL)
        return refuse(parser, "no .c files given (see kiln build --help)");
    if (args->output != NULL && *args->output == '\0')
        return refuse(parser, "-o needs an image file name");
    return 0;
}

int options_parse_build(int argc, char **argv, struct build_args *args, char *error,
                        size_t error_size)
{
    struct parser parser = {.argc = argc,
                            .argv = argv,
                            .command = "build",
                            .specs = &build_options,
                            .error = error,
                            .error_size = error_size,
                            .claim = claim_build_flag};
    parser_start(&parser);
    *args = (struct build_args){.default_mem = KILN_MEM_DEFAULT};
    if (alloc_compile(&parser, &args->compile) < 0 || parse_build_line(&parser, args) < 0) {
        options_free_build(args);
        return -1;
    }
    return 0;
}

void options_free_build(struct build_args *args)
{
    free_compile(&args->compile);
    *args = (struct build_args){0};
}

/* NAME=VALUE; a second setting of NAME replaces the first. */
static int add_env(struct parser *parser, struct run_args *args, const char *setting)
{
    const char *equals = strchr(setting, '=');
    if (equals == NULL || equals == setting)
        return refuse(parser, "--env: \"%s\" is not NAME=VALUE", setting);
    size_t prefix = (size_t)(equals - setting) + 1;
    for (size_t i = 0; i < args->env_count; i++) {
        if (strncmp(args->env[i], setting, prefix) == 0) {
            args->env[i] = setting;
            return 0;
        }
    }
    args->env[args->env_count++] = setting;
    return 0;
}

/* One image, or any number of .c files; anything more is a mistake. */
static int run_target(struct parser *parser, const char *arg, struct run_args *args)
{
    struct compile_args *compile = &args->compile;
    bool is_source = path_is_source(arg);
    if (args->image != NULL || (!is_source && compile->source_count > 0))
        return refuse(parser, "unexpected argument \"%s\" (the program's arguments go after --)",
                      arg);
    if (is_source)
        compile->sources[compile->source_count++] = arg;
    else
        args->image = arg;
    return 0;
}

/* PORT alone listens on this machine only; ADDR:PORT where it says. */
static int gdb_value(struct parser *parser, const char *value, struct run_args *args)
{
    char why[OPTIONS_ERROR_SIZE];
    if (strchr(value, ':') == NULL) {
        uint64_t port;
        if (parse_count(value, 0, UINT16_MAX, &port, why, sizeof why) < 0)
            return refuse(parser, "--gdb: \"%s\" is not [ADDR:]PORT (e.g. 1234, 0.0.0.0:1234)",
                          value);
        snprintf(args->gdb_host, sizeof args->gdb_host, "%s", GDB_DEFAULT_HOST);
        args->gdb_port = (uint16_t)port;
        return 0;
    }
    if (parse_listen(value, args->gdb_host, sizeof args->gdb_host, &args->gdb_port, why,
                     sizeof why) < 0)
        return refuse(parser, "--gdb: %s", why);
    return 0;
}

static int run_option(struct parser *parser, int code, const char *value, void *taken)
{
    struct run_args *args = taken;
    switch (code) {
    case OPT_OPERAND:
        return run_target(parser, value, args);
    case OPT_MEM:
        return mem_value(parser, value, &args->mem_size);
    case OPT_TIMEOUT:
        return timeout_value(parser, value, &args->timeout_ms);
    case OPT_ENV:
        return add_env(parser, args, value);
    case OPT_TRACE_BOOT:
        args->trace_boot = true;
        return 0;
    case OPT_STRACE:
        args->strace = true;
        return 0;
    case 'v':
        return volume_args_add(parser, args->volumes, value);
    case OPT_TMPFS:
        return volume_args_tmpfs(parser, args->volumes, value);
    case 'w':
        return volume_args_workdir(parser, args->volumes, value);
    case OPT_GDB:
        return gdb_value(parser, value, args);
    case OPT_DUMPCORE:
        return path_value(parser, "--dumpcore", "a folder", value, &args->core_dir);
    default: /* the build options; OPT_VERBOSE is -v there */
        return compile_option(parser, code, value, &args->compile);
    }
}

/* kiln run's -w is docker's --workdir, as its -v is --volume: gcc's -w
 * (no warnings) is kiln build's alone. */
static int claim_run_flag(struct parser *parser, void *taken)
{
    struct run_args *args = taken;
    if (strcmp(parser->argv[parser->at], "-w") == 0)
        return 0;
    return compiler_flags_take(parser, &args->compile);
}

/* What follows "--", the program's arguments. */
static void take_program_args(const struct parser *parser, struct run_args *args)
{
    if (parser->at < parser->argc) {
        args->program_args = parser->argv + parser->at + 1;
        args->program_arg_count = (size_t)(parser->argc - parser->at - 1);
    }
}

static int parse_run_line(struct parser *parser, struct run_args *args)
{
    if (read_options(parser, run_option, args, &args->help) < 0)
        return -1;
    if (args->help)
        return 0;
    take_program_args(parser, args);
    if (args->image == NULL && args->compile.source_count == 0)
        return refuse(parser, "no image, program or .c file given (see kiln run --help)");
    return 0;
}

static int alloc_run(struct parser *parser, struct run_args *args)
{
    args->env = calloc((size_t)parser->argc + 1, sizeof *args->env);
    args->volumes = calloc(1, sizeof *args->volumes);
    if (args->env == NULL || args->volumes == NULL)
        return refuse(parser, "out of memory");
    return alloc_compile(parser, &args->compile);
}

int options_parse_run(int argc, char **argv, struct run_args *args, char *error, size_t error_size)
{
    struct parser parser = {.argc = argc,
                            .argv = argv,
                            .command = "run",
                            .specs = &run_options,
                            .error = error,
                            .error_size = error_size,
                            .claim = claim_run_flag};
    parser_start(&parser);
    *args = (struct run_args){0};
    if (alloc_run(&parser, args) < 0 || parse_run_line(&parser, args) < 0) {
        options_free_run(args);
        return -1;
    }
    return 0;
}

void options_free_run(struct run_args *args)
{
    free_compile(&args->compile);
    free(args->env);
    free(args->volumes);
    *args = (struct run_args){0};
}

/* "K/N": the K-th of N slices, 1 <= K <= N. */
static int shard_value(struct parser *parser, const char *value, struct test_args *args)
{
    char why[OPTIONS_ERROR_SIZE];
    const char *slash = strchr(value, '/');
    char index[32];
    size_t index_len = slash != NULL ? (size_t)(slash - value) : 0;
    if (slash == NULL || index_len == 0 || index_len >= sizeof index)
        return refuse(parser, "--shard: \"%s\" is not K/N (e.g. 2/3)", value);
    memcpy(index, value, index_len);
    index[index_len] = '\0';
    uint64_t k;
    if (parse_count(slash + 1, 1, TEST_SHARDS_MAX, &args->shard_count, why, sizeof why) < 0 ||
        parse_count(index, 1, args->shard_count, &k, why, sizeof why) < 0)
        return refuse(parser, "--shard %s: %s", value, why);
    args->shard_index = k - 1;
    return 0;
}

static int test_option(struct parser *parser, int code, const char *value, void *taken)
{
    struct test_args *args = taken;
    switch (code) {
    case OPT_OPERAND:
        args->tests[args->test_count++] = value;
        return 0;
    case OPT_TIMEOUT:
        args->timeout_given = true;
        return timeout_value(parser, value, &args->run.timeout_ms);
    case 'j':
        return count_value(parser, "-j", value, 1, TEST_JOBS_MAX, &args->jobs);
    case OPT_REPEAT:
        return count_value(parser, "--repeat", value, 1, TEST_REPEAT_MAX, &args->repeat);
    case OPT_SHARD:
        return shard_value(parser, value, args);
    case OPT_JUNIT:
        return path_value(parser, "--junit", "a file name", value, &args->junit);
    case OPT_TAP:
        args->tap = true;
        return 0;
    case OPT_NO_CACHE:
        args->no_cache = true;
        return 0;
    case OPT_LIST:
        args->list = true;
        return 0;
    case OPT_VM:
        args->vm = true;
        return 0;
    case OPT_VERBOSE:
        args->show_all_output = true;
        return 0;
    default:
        return run_option(parser, code, value, &args->run);
    }
}

static int claim_test_flag(struct parser *parser, void *taken)
{
    struct test_args *args = taken;
    return claim_run_flag(parser, &args->run);
}

static int parse_test_line(struct parser *parser, struct test_args *args)
{
    if (read_options(parser, test_option, args, &args->run.help) < 0)
        return -1;
    if (args->run.help)
        return 0;
    take_program_args(parser, &args->run);
    if (args->test_count == 0)
        return refuse(parser, "no tests given (see kiln test --help)");
    if (args->run.gdb_host[0] != '\0' && args->test_count > 1)
        return refuse(parser, "--gdb debugs one test: name it alone");
    /* A person at gdb is no runaway test. */
    if (args->run.gdb_host[0] != '\0' && !args->timeout_given)
        args->run.timeout_ms = 0;
    return 0;
}

int options_parse_test(int argc, char **argv, struct test_args *args, char *error,
                       size_t error_size)
{
    struct parser parser = {.argc = argc,
                            .argv = argv,
                            .command = "test",
                            .specs = &test_options,
                            .error = error,
                            .error_size = error_size,
                            .claim = claim_test_flag};
    parser_start(&parser);
    *args = (struct test_args){.repeat = 1, .shard_count = 1};
    args->run.timeout_ms = TEST_DEFAULT_TIMEOUT_MS;
    args->tests = calloc((size_t)argc + 1, sizeof *args->tests);
    if (args->tests == NULL) {
        options_free_test(args);
        return refuse(&parser, "out of memory");
    }
    if (alloc_run(&parser, &args->run) < 0 || parse_test_line(&parser, args) < 0) {
        options_free_test(args);
        return -1;
    }
    return 0;
}

void options_free_test(struct test_args *args)
{
    free(args->tests);
    options_free_run(&args->run);
    *args = (struct test_args){0};
}
