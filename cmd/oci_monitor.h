/*
 * The container's process: the monitor, in the process create forks.  It
 * makes and boots the VM, tells create it is ready, waits for start on
 * exec.fifo, runs the guest, and exits with the guest's status (kiln
 * run's exit codes), which is the container's.  Until ready, its stderr
 * is a pipe to create, which reports what went wrong; after, the guest's.
 */
#ifndef KILN_OCI_MONITOR_H
#define KILN_OCI_MONITOR_H

#include "oci_bundle.h"
#include "oci_process.h"

/* The byte the monitor writes to its stderr pipe once the VM is ready:
 * reports never hold it. */
#define OCI_READY_BYTE '\0'

struct oci_monitor_setup {
    const struct oci_bundle *bundle;
    const struct oci_process *process;
    int report_fd;         /* the pipe to create: stderr until ready */
    int fifo_fd;           /* exec.fifo, open for reading and writing */
    int console_fd;        /* the pty's slave, or -1: create's stdin, stdout, stderr */
    unsigned preserve_fds; /* fds 3 .. 3 + preserve_fds - 1 stay open */
};

/* Never returns: exits with the container's status. */
void oci_monitor_main(const struct oci_monitor_setup *setup) __attribute__((noreturn));

#endif
