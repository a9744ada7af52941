/*
 * A bundle as the monitor runs it: process.args[0] found in the root
 * folder (a kiln image, or a Linux program kiln builds an image of), and
 * the root folder, bind mounts and tmpfs mounts as volumes.  Everything is
 * checked here, in kiln-oci create, before a monitor process exists, so
 * that a bad bundle is one line and leaves nothing behind.
 */
#ifndef KILN_OCI_PROCESS_H
#define KILN_OCI_PROCESS_H

#include <limits.h>
#include <stdbool.h>

#include <kiln/abi.h>

#include "monitor/monitor.h"
#include "oci_bundle.h"

struct oci_process {
    char program[PATH_MAX]; /* args[0] beneath the root folder, as a host path */
    bool linux_program;     /* an ELF file kiln did not build: built through the cache */
    struct monitor_volume volumes[KILN_VOLUME_MAX]; /* the root folder first, at "/" */
    char hosts[KILN_VOLUME_MAX][PATH_MAX];
    char guests[KILN_VOLUME_MAX][KILN_PATH_MAX];
    unsigned volume_count;
    char cwd[KILN_PATH_MAX]; /* process.cwd, normalized */
    const char *workdir;     /* cwd, or NULL for "/" */
};

/* Plans bundle's process; bundle_dir is absolute.  Returns 0, or -1
 * (reported, one line).  Mounts it leaves out are named under --debug. */
int oci_process_plan(struct oci_process *process, const struct oci_bundle *bundle,
                     const char *bundle_dir);

#endif
