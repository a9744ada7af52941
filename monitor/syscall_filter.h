/*
 * The monitor's last line of defence.  Once the VM is set up, the run loop
 * needs only a few system calls: KVM_RUN and the register reads of a crash
 * report on the vCPU, the reads and writes it serves on the guest's stdio,
 * clocks and sleeping, the timeout's signals, memory for the allocator,
 * and teardown.  Any other call kills the process, so a guest that found
 * a bug in the monitor still cannot make it open a file, run a program or
 * reach the network.
 */
#ifndef KILN_SYSCALL_FILTER_H
#define KILN_SYSCALL_FILTER_H

#include "vm.h"

/* Installs the allow-list (seccomp, for the rest of the process's life);
 * reports failures. */
int syscall_filter_install(const struct vm *vm);

#endif
