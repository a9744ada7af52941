/*
 * Booting a created VM: the image's segments, descriptor tables, page
 * tables, initial stack, boot info and vCPU state, all from the host.
 */
#ifndef KILN_BOOT_H
#define KILN_BOOT_H

#include "prepared_image.h"
#include "vm.h"

/* Leaves the vCPU ready to run the image's _start with this argv and
 * environment; reports failures. */
int boot_guest(struct vm *vm, const struct prepared_image *prepared, int argc, char *const *argv,
               char *const *envp);

#endif
