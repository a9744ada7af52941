/*
 * The one device: a guest writes an argument block's address to the
 * doorbell slot of call nr, and the monitor serves the call here.
 */
#ifndef KILN_HYPERCALLS_H
#define KILN_HYPERCALLS_H

#include <stdint.h>

#include "vm.h"

/* Serves call nr with its argument block at gpa; an unknown call or a bad
 * address ends the run with a crash report naming both. */
void hypercall_serve(struct vm *vm, uint64_t nr, uint32_t gpa);

/* Call nr's name ("WRITE"), or "unknown". */
const char *hypercall_name(uint64_t nr);

#endif
