/*
 * Booting one image as kiln run's options say, to its end: what kiln run
 * does once and kiln test does for each test.
 */
#ifndef KILN_RUN_IMAGE_H
#define KILN_RUN_IMAGE_H

#include <stdbool.h>

#include "common/content_hash.h"
#include "monitor/monitor.h"
#include "options.h"

/* What the monitor boots: an image file, and its hash when kiln knows it. */
struct run_target {
    const char *path;
    const struct content_hash *hash;
    const char *named_after; /* the guest's argv[0] (names_argv0) and the name in messages */
    bool linux_program;      /* built from a Linux program */
    bool program_signals;    /* signals sent to kiln are the program's (kiln run); a kiln
                                test child's stay its own, so Ctrl-C ends the suite */
};

/* Boots target, confined, with args's memory, timeout, environment,
 * volumes, tracing and the arguments after "--".  Returns how the run
 * ended; MONITOR_FAILED when it could not start (reported). */
struct monitor_result run_image(const struct run_args *args, const struct run_target *target,
                                const char *cache_dir);

#endif
