/*
 * The named values of kiln run --strace: flags, modes and numbers that
 * strace prints by name ("O_RDONLY|O_CLOEXEC", "SEEK_END", "SIGINT").
 */
#ifndef KILN_STRACE_FLAGS_H
#define KILN_STRACE_FLAGS_H

#include <stdint.h>

#include "common/report.h"
#include "strace_calls.h"

/* Appends value, an argument of a named kind (ARG_OPEN_FLAGS and those
 * after it), by its names; what no name covers as a number. */
void strace_flags_add(struct report_text *text, enum strace_arg kind, uint64_t value);

#endif
