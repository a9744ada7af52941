/*
 * The musl-gcc commands that turn a build's sources into an image: one
 * compile per source, which also lists the headers it read (-MD), then one
 * link with the runtime's linker script and archive; and the assembly of
 * the embedded files.  Kept apart from running them so that the exact
 * commands can be tested.
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

/* Fills command to compile options->sources[index] into object and to
 * write the files it read, as make rules, into depfile; paths under cwd
 * appear as "./..." inside the object.  Returns 0, or -1 with errno set
 * when memory runs out. */
int musl_command_compile(struct musl_command *command, const struct build_options *options,
                         const char *cwd, size_t index, const char *object, const char *depfile);

/* kiln cc's command: kiln's code flags (those of a compile, less its
 * default -O2: a build system chooses its own optimization), then args
 * unchanged, so that what the user says wins where gcc keeps the last
 * word.  Returns 0, or -1 with errno set. */
int musl_command_pass_through(struct musl_command *command, const char *cwd,
                              const char *const *args, size_t count);

/* Fills command to link the objects (one per source, in order) and
 * files_object (the embedded files; NULL: none) with the runtime into
 * output.  Returns 0, or -1 with errno set. */
int musl_command_link(struct musl_command *command, const struct build_options *options,
                      const char *const *objects, const char *files_object, const char *output);

/* Fills command to assemble source into object, with .incbin looking in
 * include_dir.  Returns 0, or -1 with errno set. */
int musl_command_assemble(struct musl_command *command, const char *include_dir, const char *source,
                          const char *object);

void musl_command_free(struct musl_command *command);

#endif
