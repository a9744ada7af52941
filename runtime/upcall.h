/*
 * Upcalls: the monitor's way into the runtime while the program runs at
 * ring 3 (a fault the program handles, a timer, a tick), and the one way
 * back out to the program, shared with the end of every system call.
 */
#ifndef KILN_RUNTIME_UPCALL_H
#define KILN_RUNTIME_UPCALL_H

#include <kiln/abi.h>

extern struct kiln_events kiln_events;

/* Back to the program from regs: the timers and ticks that came while the
 * runtime ran and the signals kiln was sent, then any signal's handler.
 * syscall_nr: the call being answered, which a signal may start over; -1
 * for none. */
void upcall_leave(struct kiln_regs *regs, long syscall_nr);

#endif
