/*
 * Reports a guest exception: the ring-0 stub left vector, error code and
 * the CPU's frame on the IST stack and exited through the exception port.
 */
#ifndef KILN_CRASH_H
#define KILN_CRASH_H

#include "vm.h"

void crash_report_exception(struct vm *vm);

/* The exception's name, e.g. "page fault (#PF)"; vector < 32. */
const char *crash_exception_name(uint64_t vector);

#endif
