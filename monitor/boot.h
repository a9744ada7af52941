/*
 * Booting a created VM: the image's segments, descriptor tables, page
 * tables, initial stack, boot info and vCPU state, all from the host.
 */
#ifndef KILN_BOOT_H
#define KILN_BOOT_H

#include "image.h"
#include "vm.h"

/* The guest-physical page below the stack of a guest with mem_size bytes:
 * nothing of the image may reach it. */
uint64_t boot_stack_guard(uint64_t mem_size);

/* Leaves the vCPU ready to run the image's _start with this argv and
 * environment; reports failures. */
int boot_guest(struct vm *vm, const struct image *image, int argc, char *const *argv,
               char *const *envp);

#endif
