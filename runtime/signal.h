/*
 * Signals, all at ring 3: actions, each thread's mask and pending set,
 * delivery to a handler on the way back to the program (the end of a
 * system call, or of an upcall: a fault or a timer), and rt_sigreturn.
 * A signal nobody handles ends the run as the monitor reports it.
 */
#ifndef KILN_RUNTIME_SIGNAL_H
#define KILN_RUNTIME_SIGNAL_H

#include "syscall.h"
#include "thread.h"
#include <stdbool.h>
#include <stdint.h>

syscall_handler kiln_sys_rt_sigaction;
syscall_handler kiln_sys_rt_sigprocmask;
syscall_handler kiln_sys_rt_sigpending;
syscall_handler kiln_sys_rt_sigsuspend;
syscall_handler kiln_sys_rt_sigtimedwait;
syscall_handler kiln_sys_rt_sigreturn;
syscall_handler kiln_sys_rt_sigqueueinfo;
syscall_handler kiln_sys_rt_tgsigqueueinfo;
syscall_handler kiln_sys_sigaltstack;
syscall_handler kiln_sys_pause;
syscall_handler kiln_sys_kill;
syscall_handler kiln_sys_tkill;
syscall_handler kiln_sys_tgkill;

/* Sends signo to the calling thread, as a fault of the call would
 * (SIGPIPE from a write to a pipe nobody reads). */
void signal_raise_current(int signo);

/* Sends signo to one thread, waking it if it waits and will take it. */
void signal_send_thread(struct thread *thread, int signo, const struct signal_info *info);

/* Sends signo to the process: the thread that handles it is one that
 * does not block it (a timer's SIGALRM). */
void signal_send_process(int signo, const struct signal_info *info);

/* Sends the program the signals kiln was sent (kiln_events.host_signals)
 * that it has not taken yet, as kill(2) from another process would. */
void signal_take_host(void);

/* For the rest of this system call the calling thread's mask is mask;
 * the old one comes back as the call returns, after any handler the call
 * lets run (ppoll, pselect6, epoll_pwait, rt_sigsuspend). */
void signal_mask_during_call(uint64_t mask);

/* Would a signal cut thread's wait short now? */
bool signal_interrupts(const struct thread *thread);

/* Exception vector from the monitor: queues the signal it means for the
 * calling thread, or ends the run if nothing handles it. */
void signal_fault(const struct kiln_regs *regs, uint32_t vector, uint64_t error, uint64_t address);

/* On the way back to the program: starts a system call cut short by a
 * signal over (syscall_nr >= 0, its number) or makes it answer EINTR,
 * then sets regs up to run the handler of the first deliverable signal. */
void signal_return(struct kiln_regs *regs, long syscall_nr);

#endif
