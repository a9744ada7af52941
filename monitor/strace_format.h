/*
 * One system call as kiln run --strace prints it, the way strace does:
 * "openat(AT_FDCWD, "/etc/passwd", O_RDONLY) = -1 ENOENT (No such file or
 * directory)".  Strings and buffers are read from guest memory; one the
 * program's pointer does not reach prints as that pointer.
 */
#ifndef KILN_STRACE_FORMAT_H
#define KILN_STRACE_FORMAT_H

#include <kiln/abi.h>

#include "common/report.h"
#include "guest_mem.h"

/* Bytes of a string or buffer shown, as strace's default (-s 32). */
#define STRACE_STRING_MAX 32
/* Elements of an array shown, as strace's default. */
#define STRACE_ARRAY_MAX 32

/* Appends call's line to text, with no newline. */
void strace_format(struct report_text *text, const struct guest_mem *mem,
                   const struct kiln_hc_syscall *call);

/* "fork", or "syscall_0x3e7" for a number Linux does not use: what the
 * line and the summary of unimplemented calls name call nr. */
void strace_format_name(struct report_text *text, uint64_t nr);

#endif
