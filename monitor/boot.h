/*
 * Booting a created VM: the image's segments, descriptor tables, page
 * tables, initial stack, boot info and vCPU state, all from the host.
 */
#ifndef KILN_BOOT_H
#define KILN_BOOT_H

#include "prepared_image.h"
#include "vm.h"

/* The guest-physical page below the stack of a guest with mem_size bytes:
 * nothing of the image may reach it. */
uint64_t boot_stack_guard(uint64_t mem_size);

/* Everything about a guest's memory that can be wrong (its size, an image
 * that reaches the stack), found before any VM exists; reported. */
int boot_check_memory(const struct image *image, uint64_t mem_size);

/* Leaves the vCPU ready to run the image's _start with this argv and
 * environment; reports failures. */
int boot_guest(struct vm *vm, const struct prepared_image *prepared, int argc, char *const *argv,
               char *const *envp);

#endif
