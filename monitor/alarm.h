/*
 * The guest's clock for threads and signals: the ALARM hypercall asks for
 * a timer upcall at a deadline and, while the runtime says threads share
 * the CPU, every tick.  A second timer on the vCPU's thread (timeout.c
 * makes it) ends KVM_RUN when one is due; the run loop then calls
 * alarm_check.
 */
#ifndef KILN_ALARM_H
#define KILN_ALARM_H

#include <stdint.h>

#include "vm.h"

/* ALARM: an upcall in ns nanoseconds (0: none) and every tick_ns (0:
 * none), replacing what was asked before. */
void alarm_call(struct vm *vm, uint32_t gpa);

/* KVM_RUN was interrupted: makes the upcalls that are due. */
void alarm_check(struct vm *vm);

/* A timer upcall now, or, while the runtime is busy, as soon as it is
 * free (a host signal waits in kiln_events: host_signals.h). */
void alarm_upcall_soon(struct vm *vm);

/* Forgets every deadline (a kiln serve reset). */
void alarm_reset(struct vm *vm);

#endif
