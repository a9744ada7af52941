/*
 * How kiln-oci tells what went wrong: every error as one line on stderr,
 * "kiln-oci: ...", and, with --log, appended to that file too, in runc's
 * formats (logrus text, or the JSON lines containerd's shim reads back
 * for its error message).  --debug adds debug lines: to --log's file when
 * there is one, else to stderr.
 */
#ifndef KILN_OCI_LOG_H
#define KILN_OCI_LOG_H

#include <stdbool.h>
#include <stddef.h>

#include "oci_options.h"

/* Opens --log's file (appending) for the rest of the run.  Returns 0, or
 * -1 (reported). */
int oci_log_open(const char *path, enum oci_log_format format, bool debug);

/* The time now as the log and state.json write it: RFC 3339, in UTC,
 * in OCI_TIME_SIZE bytes. */
#define OCI_TIME_SIZE 32
void oci_time_now(char *text, size_t size);

/* Closes --log's file: the monitor process reports to create instead. */
void oci_log_forget(void);

/* Reports an error; returns -1, for `return oci_error(...)`. */
int oci_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* oci_error() of "WHAT: " and errno's text. */
int oci_error_errno(const char *what);

/* A debug line, with --debug only. */
void oci_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
