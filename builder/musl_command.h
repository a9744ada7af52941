/*
 * The one musl-gcc command that turns a build's sources into an image:
 * compile, then link with the runtime's linker script and archive.  Kept
 * apart from running it so that the exact command can be tested.
 */
#ifndef KILN_MUSL_COMMAND_H
#define KILN_MUSL_COMMAND_H

#include <stddef.h>

#include "builder.h"

#define MUSL_CC "musl-gcc"

struct musl_command {
    char **argv; /* NULL-terminated; argv[0] is MUSL_CC */
    size_t argc;
    size_t capacity; /* of argv, not counting its terminating NULL */
};

/* Fills command for options, writing the image to output instead of
 * options->output; paths under cwd appear as "./..." inside the image.
 * Returns 0, or -1 with errno set when memory runs out. */
int musl_command_init(struct musl_command *command, const struct build_options *options,
                      const char *cwd, const char *output);

void musl_command_free(struct musl_command *command);

#endif
