/*
 * Runs the compiler: its messages go to the user's stderr unchanged, and
 * kiln adds at most one line saying how it ended.
 */
#ifndef KILN_COMPILER_H
#define KILN_COMPILER_H

#include <stdbool.h>
#include <stddef.h>

#include "musl_command.h"

/* Runs command and waits for it; verbose prints the command first.
 * Returns 0 when it exited with status 0, else -1 (reported). */
int compiler_run(const struct musl_command *command, bool verbose);

/* compiler_run for a link: the linker's messages pass through, and kiln
 * reads them again to name, in one line, the symbols that were missing. */
int compiler_run_link(const struct musl_command *command, bool verbose);

/* Runs argv (argv[0] found through PATH) and keeps what it printed on
 * stdout in out, NUL-terminated and cut to out_size - 1 bytes.  Returns 0
 * when it exited with status 0, else -1 (reported). */
int compiler_output(char *const *argv, char *out, size_t out_size);

#endif
