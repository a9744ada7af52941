/*
 * kiln cc's link: objects, archives and whatever else gcc links, made into
 * an image as kiln build makes one (the same musl-gcc link with the
 * runtime and its linker script, then the same rewrite of the system call
 * sites), but outside the build cache: the build system that called
 * kiln cc decides what to rebuild.
 */
#ifndef KILN_LINK_OBJECTS_H
#define KILN_LINK_OBJECTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct link_request {
    /* musl-gcc's arguments before the runtime, in order: objects, archives,
     * -l, -L, -Wl,..., and .c files with the flags to compile them, which
     * musl-gcc compiles first (cc_command_fill's, less MUSL_CC). */
    const char *const *args;
    size_t arg_count;
    uint64_t default_mem;    /* bytes, written into the image's KILN note */
    const char *runtime_dir; /* holds libkiln.a and kiln.ld */
    const char *output;      /* the image, replaced whole or left as it was */
    bool verbose;            /* print the link command */
};

/* Links request's arguments with the runtime into request->output.
 * Returns 0, or -1 (reported; the linker's own messages come first). */
int link_objects(const struct link_request *request);

#endif
