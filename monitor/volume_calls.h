/*
 * The volume hypercalls (kiln/abi.h, "Volumes"): one function per call,
 * each of which checks its argument block and every guest range it is
 * given with hypercall_args.h, answers -errno as Linux would, and leaves
 * guest memory outside the ranges alone.
 */
#ifndef KILN_VOLUME_CALLS_H
#define KILN_VOLUME_CALLS_H

#include <stdint.h>

#include <kiln/abi.h>

#include "vm.h"
#include "volumes.h"

void volume_call_open(struct vm *vm, uint32_t gpa);
void volume_call_close(struct vm *vm, uint32_t gpa);
void volume_call_pread(struct vm *vm, uint32_t gpa);
void volume_call_pwrite(struct vm *vm, uint32_t gpa);
void volume_call_stat(struct vm *vm, uint32_t gpa);
void volume_call_dirents(struct vm *vm, uint32_t gpa);
void volume_call_file(struct vm *vm, uint32_t gpa);
void volume_call_path(struct vm *vm, uint32_t gpa); /* volume_path_calls.c */

/* Copies the guest's path at gpa, len bytes, into path: 0, or -errno for
 * the guest (volume_path_copy()).  A path outside guest memory ends the
 * run instead (vm->stopped). */
int volume_guest_path(struct vm *vm, const char *call, uint64_t gpa, uint64_t len,
                      char path[KILN_PATH_MAX]);

/* volume_guest_path(), and the volume of the guest's number. */
int volume_take_path(struct vm *vm, const char *call, uint32_t index, uint64_t gpa, uint64_t len,
                     char path[KILN_PATH_MAX], const struct volume **volume);

#endif
