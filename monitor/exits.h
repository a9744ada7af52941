/*
 * The run loop: enter the guest, serve whatever made it exit, until the
 * run ends.  One small function per exit reason.
 */
#ifndef KILN_EXITS_H
#define KILN_EXITS_H

#include "vm.h"

void exits_run(struct vm *vm);

/* Serves the exit vm->run describes; anything kiln does not expect ends
 * the run with one line. */
void exits_serve(struct vm *vm);

#endif
