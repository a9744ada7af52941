/*
 * The guest's time limit.  SIGALRM stays blocked in the monitor and is
 * unblocked only inside KVM_RUN (KVM_SET_SIGNAL_MASK), so a deadline that
 * passes at any moment ends the next or current KVM_RUN with EINTR: no
 * race between checking the clock and entering the guest.
 */
#ifndef KILN_TIMEOUT_H
#define KILN_TIMEOUT_H

#include <stdbool.h>
#include <stdint.h>

#include "vm.h"

/* Starts the clock on vm->timeout_ms (nothing if 0); reports failures. */
int timeout_arm(struct vm *vm);
void timeout_disarm(struct vm *vm);

bool timeout_expired(const struct vm *vm);

/* Reports the timeout in one line and ends the run. */
void timeout_stop(struct vm *vm);

#endif
