/*
 * Reports a guest crash: a one-line summary (the run's message, which
 * tests and users grep), then indented lines with the registers and a
 * backtrace named from the image's symbol table.
 */
#ifndef KILN_CRASH_H
#define KILN_CRASH_H

#include <kiln/abi.h>

#include "vm.h"

/* What the exception stub leaves at RSP, lowest address first. */
struct exception_frame {
    uint64_t vector;
    uint64_t error;
    uint64_t rip;
    uint64_t cs;
    uint64_t rflags;
    uint64_t rsp;
    uint64_t ss;
};

/* The vCPU's registers and the frame of the exception it stopped on:
 * false, with the guest reported crashed, when they cannot be read. */
bool crash_exception_state(struct vm *vm, struct kvm_regs *regs, struct kvm_sregs *sregs,
                           struct exception_frame *frame);

/* The ring-0 stub left vector, error code and the CPU's frame on the IST
 * stack and exited through the exception port. */
void crash_report_exception(struct vm *vm, const struct kvm_regs *regs,
                            const struct kvm_sregs *sregs, const struct exception_frame *frame);

/* The runtime reported a fatal signal or an impossible state. */
void crash_report_abort(struct vm *vm, const struct kiln_hc_abort *abort);

/* The exception's name, e.g. "page fault (#PF)"; vector < 32. */
const char *crash_exception_name(uint64_t vector);

/* The signal Linux would raise for the exception, e.g. SIGSEGV for #PF. */
int crash_exception_signal(uint64_t vector);

#endif
