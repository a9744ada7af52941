/*
 * The monitor's last line of defence: every thread that runs a guest is
 * confined once its VM is set up.  kiln run's loop needs only KVM_RUN and
 * the register reads of a crash report on its vCPU, the reads and writes
 * it serves on the guest's stdio, clocks and sleeping, the timeout's
 * signals, memory for the allocator, and teardown.  A kiln serve worker
 * needs besides what resets and rebuilds its VM and what hands a job back.
 * Neither can open a file (but, in a run with volumes, by a lookup from a
 * volume's folder), run a program, map executable memory or reach the
 * network, whatever a guest that found a bug in the monitor makes it do;
 * kiln run --dumpcore's loop may only fill the core file it made before
 * and rename it into place.
 * The HTTP thread runs no guest and is not confined.
 */
#ifndef KILN_SYSCALL_FILTER_H
#define KILN_SYSCALL_FILTER_H

#include "vm.h"

/* One filter per kind of thread that runs a guest (Firecracker's way). */
enum syscall_filter_kind {
    SYSCALL_FILTER_RUN,          /* kiln run's one thread; anything else kills kiln */
    SYSCALL_FILTER_SERVE_WORKER, /* a kiln serve worker; anything else is SIGSYS */
};

/* Installs kind's allow-list on the calling thread, for the rest of its
 * life (threads it starts inherit it); reports failures.  vm is the VM the
 * thread runs, for kiln run's descriptors and messages. */
int syscall_filter_install(const struct vm *vm, enum syscall_filter_kind kind);

#endif
