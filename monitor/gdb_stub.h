/*
 * kiln run --gdb: a GDB remote stub in the monitor, nothing in the guest.
 * The VM waits before the program's first instruction for one gdb to
 * connect; gdb then reads and writes registers and memory (through the
 * checked guest-memory helper), sets breakpoints (int3 in guest memory),
 * steps (the trap flag), continues, interrupts (Ctrl-C), kills or
 * detaches; gdb makes watchpoints of steps.  int3 and the trap flag reach
 * the monitor as the #BP or #DB the CPU raised at ring 3, through the
 * guest's own exception stub: PVM does not intercept them for KVM's
 * guest debug (KVM_GUESTDBG_USE_SW_BP), and needs nothing of it this way.
 * A VM without --gdb never reaches this code: vm->gdb is NULL.
 */
#ifndef KILN_GDB_STUB_H
#define KILN_GDB_STUB_H

#include <stdbool.h>
#include <stdint.h>

#include "crash.h"

#include "vm.h"

/* Listens on host:port (port 0: any free one), says where on stderr with
 * the gdb command line for image_path, and waits for gdb's connection;
 * the listening socket is closed then.  Returns 0 with vm->gdb set, or
 * -1 (reported). */
int gdb_stub_attach(struct vm *vm, const char *image_path, const char *host, uint16_t port);

/* The first stop, before the first instruction: serves gdb until it
 * resumes the guest. */
void gdb_stub_start(struct vm *vm);

/* An exception the guest's stub reported: when it is a breakpoint of
 * gdb's, a debug register's hit or the end of a step, at ring 3, the
 * program is put back where it stopped and gdb is served; returns true.
 * False for any other exception (the crash or upcall it always was). */
bool gdb_stub_on_exception(struct vm *vm, const struct kvm_regs *regs,
                           const struct kvm_sregs *sregs, const struct exception_frame *frame);

/* After KVM_RUN was interrupted: stops for gdb when it sent Ctrl-C. */
void gdb_stub_check_interrupt(struct vm *vm);

/* The run ended: tells gdb how (exit status, or the signal a crash is)
 * and closes the connection. */
void gdb_stub_finish(struct vm *vm);

/* The connection's descriptor, for the seccomp filter; -1 without gdb. */
int gdb_stub_fd(const struct vm *vm);

#endif
