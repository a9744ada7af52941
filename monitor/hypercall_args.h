/*
 * Where a hypercall's data lies in guest memory: the one bounds check of
 * every guest address and length a call hands the monitor, and the one
 * refusal, which names the call, the range and the reason in one line and
 * ends the run.
 */
#ifndef KILN_HYPERCALL_ARGS_H
#define KILN_HYPERCALL_ARGS_H

#include <stdbool.h>
#include <stdint.h>

#include "vm.h"

/* The host address of call's argument block at gpa, len bytes at its
 * type's alignment; every call may write its answer there.  NULL after
 * ending the run. */
void *hypercall_args(struct vm *vm, const char *call, uint32_t gpa, uint64_t len, uint64_t align);

/* hypercall_args() of a block of type. */
#define HYPERCALL_ARGS(vm, call, gpa, type)                                                        \
    ((type *)hypercall_args(vm, call, gpa, sizeof(type), _Alignof(type)))

/* The host address of [gpa, gpa + len), what call names ("buffer",
 * "path"), which the monitor reads or, with for_write, fills.  NULL after
 * ending the run. */
void *hypercall_range(struct vm *vm, const char *call, const char *what, uint64_t gpa, uint64_t len,
                      bool for_write);

#endif
