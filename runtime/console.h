/*
 * The console: the monitor's stdin, stdout and stderr, carried by the READ
 * and WRITE hypercalls.  Each read or write is one exit to the host (about
 * 43 us), so readv and writev of a few KiB gather into one bounce buffer
 * and cost one exit, not one per piece (musl's stdio writes its buffer and
 * the new data as two pieces).  Under kiln serve, stdout is gathered for
 * the FINISH call instead (response.c).
 */
#ifndef KILN_RUNTIME_CONSOLE_H
#define KILN_RUNTIME_CONSOLE_H

#include "fd_table.h"

#define CONSOLE_FDS 3

/* The open file fd 0-2 start as: stdin read-only, stdout and stderr
 * write-only.  Static: dropping its last reference frees nothing. */
struct open_file *console_file(int host_fd);

#endif
