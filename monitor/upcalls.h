/*
 * Upcalls: the monitor moves the program at ring 3 into the runtime's
 * upcall entry (struct kiln_events in abi.h), for an exception the
 * program handles or a timer.  The guest's threads and signals are the
 * runtime's; this is the only way the monitor steps in.
 */
#ifndef KILN_UPCALLS_H
#define KILN_UPCALLS_H

#include <linux/kvm.h>

#include "crash.h"
#include "vm.h"

enum upcall_result {
    UPCALL_MADE,
    UPCALL_HELD,       /* the runtime was busy: it sees kiln_events.pending */
    UPCALL_NOT_WANTED, /* nothing asked for it */
    UPCALL_FAILED,     /* the VM was stopped and reported */
};

/* The image's struct kiln_events in guest memory, for writing; NULL
 * (the guest reported crashed) if it is not there. */
struct kiln_events *upcall_events(struct vm *vm);

/* A timer upcall, now if the runtime is free. */
enum upcall_result upcall_timer(struct vm *vm);

/* The exception in frame, if the runtime asked for its vector and the
 * program (not the runtime or ring-0 code) raised it. */
enum upcall_result upcall_fault(struct vm *vm, const struct kvm_regs *regs,
                                const struct kvm_sregs *sregs, const struct exception_frame *frame);

#endif
