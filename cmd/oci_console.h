/*
 * process.terminal: a pty for the container, whose master goes to the
 * caller over --console-socket (an AF_UNIX socket; SCM_RIGHTS, with the
 * pty's name as the message, as runc sends it), so that conmon or the
 * containerd shim relays it: `podman run -it` is interactive.
 */
#ifndef KILN_OCI_CONSOLE_H
#define KILN_OCI_CONSOLE_H

/* Opens a pty of width x height (0: leave it), sends its master to the
 * socket at socket_path and closes it there.  Returns the slave's
 * descriptor (close-on-exec), or -1 (reported). */
int oci_console_open(const char *socket_path, unsigned width, unsigned height);

#endif
