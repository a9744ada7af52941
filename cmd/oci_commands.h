/*
 * kiln-oci's commands.  Each returns kiln-oci's exit code: 0, or
 * EXIT_OCI_FAILED after reporting why (oci_log.h); run without --detach
 * returns the container's own status.
 */
#ifndef KILN_OCI_COMMANDS_H
#define KILN_OCI_COMMANDS_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "oci_options.h"

#define EXIT_OCI_FAILED 1

int oci_create(const struct oci_global_args *global, const struct oci_args *args);
int oci_start(const struct oci_global_args *global, const struct oci_args *args);
int oci_state(const struct oci_global_args *global, const struct oci_args *args);
int oci_kill(const struct oci_global_args *global, const struct oci_args *args);
int oci_delete(const struct oci_global_args *global, const struct oci_args *args);
int oci_run(const struct oci_global_args *global, const struct oci_args *args);
int oci_list(const struct oci_global_args *global, const struct oci_args *args);
int oci_ps(const struct oci_global_args *global, const struct oci_args *args);
int oci_features(const struct oci_global_args *global, const struct oci_args *args);

/* create's work, for create and run: makes the container's folder and its
 * monitor process, which holds a booted VM until start.  in_foreground:
 * run without --detach, whose terminal the container may share instead
 * of a console socket.  Returns 0 with *pid set, or -1 (reported), with
 * nothing left under --root. */
int oci_create_container(const struct oci_global_args *global, const struct oci_args *args,
                         bool in_foreground, pid_t *pid);

/* start's work: lets a created container's guest run.  Returns 0, or -1
 * (reported). */
int oci_start_container(const struct oci_global_args *global, const char *id);

/* kiln-oci's help for topic (NULL: kiln-oci's own) to out: 0, or -1 when
 * there is no such topic. */
int oci_help_print(const char *topic, FILE *out);

#endif
