/*
 * The guest's time limit.  SIGALRM stays blocked in the thread that runs
 * the vCPU and is unblocked only inside KVM_RUN (KVM_SET_SIGNAL_MASK); a
 * timer aimed at that thread alone (each kiln serve worker runs its own
 * VM) makes a deadline that passes at any moment end the next or current
 * KVM_RUN with EINTR: no race between checking the clock and entering.
 */
#ifndef KILN_TIMEOUT_H
#define KILN_TIMEOUT_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "vm.h"

/* Readies the calling thread and vm's vCPU for deadlines, once per VM
 * (vm_create() does): the timeout's timer and the guest's alarm's
 * (alarm.h); detaching cancels a deadline still running. */
int timeout_attach(struct vm *vm);
void timeout_detach(struct vm *vm);

/* KVM_RUN runs with the calling thread's signal mask less SIGALRM and
 * the signals in also (NULL: none), each of which ends it with EINTR. */
int timeout_unblock_in_guest(const struct vm *vm, const sigset_t *also);

/* Starts the clock on vm->timeout_ms (nothing if 0); cancel stops it and
 * drops a signal it may have left pending. */
int timeout_start(struct vm *vm);
void timeout_cancel(struct vm *vm);

bool timeout_expired(const struct vm *vm);

/* Drops the SIGALRMs pending on the calling thread: one that ended
 * KVM_RUN stays pending (blocked again outside it) and would end the next
 * KVM_RUN at once. */
void timeout_take_signals(void);

#endif
