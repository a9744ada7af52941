/*
 * Signals sent to kiln while its guest runs are the program's: SIGINT
 * from a Ctrl-C, SIGTERM from podman stop, SIGHUP, SIGQUIT, SIGUSR1 and
 * SIGUSR2 run the program's handler or its default action, as though
 * they had been sent to it.  SIGKILL and SIGSTOP take kiln itself, and
 * the VM with it.  monitor_run forwards them when asked (kiln run,
 * kiln-oci's container); kiln test's children and kiln serve's workers
 * do not (serve takes SIGINT and SIGTERM itself, with sigwait).
 *
 * Like the timeout's SIGALRM (timeout.h) they stay blocked on the vCPU's
 * thread but inside KVM_RUN, so one ends KVM_RUN with EINTR whenever it
 * comes and stays pending until taken; a signalfd wakes the monitor's
 * own waits (stdin, WAIT) for them.  A signal kiln's parent made it
 * ignore (nohup's SIGHUP, a script's background SIGINT) never comes, as
 * it never would to the program run natively.
 */
#ifndef KILN_HOST_SIGNALS_H
#define KILN_HOST_SIGNALS_H

#include <stdint.h>

#include "vm.h"

/* From now on the calling thread's signals above are vm's guest's, and
 * the boot info says so (KILN_BOOT_SIGNALS).  Detaching (vm_destroy
 * does) drops those that came after the run and unblocks them. */
int host_signals_attach(struct vm *vm);
void host_signals_detach(struct vm *vm);

/* Readable while a signal waits to be taken; -1 if vm forwards none. */
int host_signals_wake_fd(const struct vm *vm);

/* Takes the signals that came: each sets its bit in the guest's
 * kiln_events.host_signals, and an upcall brings them to the runtime. */
void host_signals_take(struct vm *vm);

/* Halts until until_ns (CLOCK_MONOTONIC) or a signal, which it takes. */
void host_signals_sleep(struct vm *vm, int64_t until_ns);

#endif
