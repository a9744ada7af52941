/*
 * The builder's face to cmd/: sources in, one image file out.  It never
 * runs a VM.  Compiler and linker messages reach the user unchanged; the
 * builder's own failures are reported on stderr once, as "kiln: ...".
 */
#ifndef KILN_BUILDER_H
#define KILN_BUILDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct build_options {
    const char *const *sources; /* .c files, compiled in the order given */
    size_t source_count;
    const char *const *cflags; /* -I, -D, -O flags, passed through in order */
    size_t cflag_count;
    const char *const *libs; /* names for -l (musl's libm, ...) */
    size_t lib_count;
    uint64_t default_mem;    /* bytes, written into the image's KILN note */
    const char *output;      /* the image file to write */
    const char *runtime_dir; /* holds libkiln.a and kiln.ld */
    bool verbose;            /* print the compiler command on stderr */
};

/* Returns 0 when the image was written, -1 when it was not (reported). */
int builder_build(const struct build_options *options);

#endif
