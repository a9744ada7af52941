/*
 * The command lines of kiln build, kiln run and kiln test, parsed into what the
 * commands need.  Options and file names may come in any order; "--" ends
 * the options.  Parsing never prints: a refusal comes back as one line in
 * the caller's error buffer, for the caller to print with its prefix.
 */
#ifndef KILN_OPTIONS_H
#define KILN_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "builder/builder.h"

#define OPTIONS_ERROR_SIZE 256

struct volume_args;

/* What both commands pass to the compiler.  Strings point into argv. */
struct compile_args {
    const char **sources;
    size_t source_count;
    const char *program; /* a Linux program to run unmodified (--elf, or kiln run PROGRAM) */
    const char **cflags; /* -I DIR, -D NAME, -OLEVEL, gcc's compile flags, in order */
    size_t cflag_count;
    const char **ldflags; /* -L DIR, -Wl,..., -pthread, in the order given */
    size_t ldflag_count;
    const char **libs; /* NAME of each -l NAME */
    size_t lib_count;
    struct files_source *files; /* --files PATH[:GUEST_DIR]; each path is malloc'd */
    size_t files_count;
    bool verbose;
};

struct build_args {
    struct compile_args compile;
    const char *output;   /* NULL: named after the first source */
    uint64_t default_mem; /* KILN_MEM_DEFAULT unless --mem */
    bool mem_given;       /* --mem: else a program's default is PROGRAM_MEM_DEFAULT */
    bool help;
};

struct run_args {
    struct compile_args compile; /* sources set when given .c files */
    const char *image;           /* set when given an image */
    uint64_t mem_size;           /* 0: the image's own default */
    uint64_t timeout_ms;         /* 0: none */
    const char **env;            /* NAME=VALUE, NULL-terminated; later wins */
    size_t env_count;
    char **program_args; /* what follows "--" */
    size_t program_arg_count;
    bool trace_boot;             /* --trace-boot */
    bool strace;                 /* --strace */
    struct volume_args *volumes; /* -v and -w */
    char gdb_host[64];           /* --gdb [ADDR:]PORT; "": no debugger */
    uint16_t gdb_port;
    const char *core_dir; /* --dumpcore DIR, or NULL */
    bool help;
};

struct test_args {
    struct run_args run; /* what every test runs with; run.image and the sources unused */
    const char **tests;  /* .c files, images and programs, as given */
    size_t test_count;
    uint64_t jobs;        /* 0: one per online CPU */
    uint64_t repeat;      /* runs of each test; 1 unless --repeat */
    uint64_t shard_index; /* --shard K/N: K-1 and N; 0 and 1 without */
    uint64_t shard_count;
    const char *junit;    /* --junit FILE, or NULL */
    bool tap;             /* --tap */
    bool no_cache;        /* --no-cache */
    bool list;            /* --list */
    bool vm;              /* --vm */
    bool show_all_output; /* --verbose */
    bool timeout_given;   /* --timeout: else 60 s, or none with --gdb */
};

/* argv[0] is the command's name.  Return 0 with args filled (free them with
 * the matching options_free_*), or -1 with nothing to free and the reason in
 * error.  With help set, the rest of the line is not looked at. */
int options_parse_build(int argc, char **argv, struct build_args *args, char *error,
                        size_t error_size);
int options_parse_run(int argc, char **argv, struct run_args *args, char *error, size_t error_size);
int options_parse_test(int argc, char **argv, struct test_args *args, char *error,
                       size_t error_size);

void options_free_build(struct build_args *args);
void options_free_run(struct run_args *args);
void options_free_test(struct test_args *args);

#endif
