/*
 * Reports a guest crash: a one-line summary (the run's message, which
 * tests and users grep), then indented lines with the registers and a
 * backtrace named from the image's symbol table.
 */
#ifndef KILN_CRASH_H
#define KILN_CRASH_H

#include <kiln/abi.h>

#include "vm.h"

/* The ring-0 stub left vector, error code and the CPU's frame on the IST
 * stack and exited through the exception port. */
void crash_report_exception(struct vm *vm);

/* The runtime reported a fatal signal or an impossible state. */
void crash_report_abort(struct vm *vm, const struct kiln_hc_abort *abort);

/* The exception's name, e.g. "page fault (#PF)"; vector < 32. */
const char *crash_exception_name(uint64_t vector);

#endif
