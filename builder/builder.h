/*
 * The builder's face to cmd/: sources in, one image out, through the
 * build cache, so that building unchanged sources again costs no compiling
 * or linking.  It never runs a VM.  Compiler and linker messages reach the
 * user unchanged; the builder's own failures are reported on stderr once,
 * as "kiln: ...".
 */
#ifndef KILN_BUILDER_H
#define KILN_BUILDER_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/content_hash.h"

/* Images are executable, as the linker makes them, less the umask. */
#define IMAGE_MODE 0777

/* Guest RAM a Linux program's image asks for unless --mem says: a Go
 * program reserves some 600 MiB of address space at start.  RAM is backed
 * only where the guest touches it, so the rest costs nothing. */
#define PROGRAM_MEM_DEFAULT (1ull << 30)

/* A folder or an archive whose contents the image carries under guest_dir
 * (DESIGN.md, "Files"). */
struct files_source {
    const char *path;      /* what the user gave: for reading and in messages */
    const char *guest_dir; /* absolute */
};

struct build_options {
    const char *const *sources; /* .c files, compiled in the order given */
    size_t source_count;
    const char *program;   /* or a Linux x86-64 ELF program, run unmodified (kiln build --elf) */
    uint64_t runtime_base; /* the builder's: where a program's runtime links; 0: kiln.ld's */
    const char *const *cflags; /* compiler flags (-I, -D, -O, -std, -f, -W, -g...), in order */
    size_t cflag_count;
    const char *const *ldflags; /* link flags (-L, -Wl,..., -pthread), in order */
    size_t ldflag_count;
    const char *const *libs; /* names for -l (musl's libm, ...) */
    size_t lib_count;
    const struct files_source *files; /* embedded in the image, in the order given */
    size_t files_count;
    uint64_t default_mem;                    /* bytes, written into the image's KILN note */
    const char *output;                      /* the image file builder_build writes */
    const char *runtime_dir;                 /* holds libkiln.a and kiln.ld */
    const struct content_hash *runtime_hash; /* builder_runtime_hash's, for builds that share
                                                it; NULL: hashed for this build */
    const char *cache_dir;                   /* the cache's root (images/, deps/, ...) */
    bool verbose;                            /* say hit or miss and why; print compiler commands */
};

/* An image in the build cache. */
struct built_image {
    char path[PATH_MAX];
    struct content_hash hash; /* of its bytes: the image's identity */
};

/* Finds the image of options in the build cache, or builds it into the
 * cache.  Returns 0 with image filled, or -1 (reported). */
int builder_build_cached(const struct build_options *options, struct built_image *image);

/* builder_build_cached without the build, and trusting the build record
 * for the image's hash (the image is not read, so a damaged one is found
 * only by builder_build_cached): returns 1 with image filled when the
 * cache holds it, 0 when it does not, or -1 (reported). */
int builder_find_cached(const struct build_options *options, struct built_image *image);

/* The hash of the runtime's files under runtime_dir, as every build's
 * input hash covers them: for a caller that builds many times over.
 * Returns 0, or -1 (reported). */
int builder_runtime_hash(const char *runtime_dir, struct content_hash *hash);

/* Whether path is an ELF file that kiln build did not make, for
 * options->program: a Linux program (or a file kiln build refuses in one
 * line, saying what it is).  False for a kiln image and for what is no
 * ELF at all. */
bool builder_is_program(const char *path);

/* builder_build_cached, then a copy to options->output.  Returns 0 when
 * the output was written, -1 when it was not (reported). */
int builder_build(const struct build_options *options);

#endif
