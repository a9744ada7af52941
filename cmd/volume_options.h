/*
 * kiln run's -v HOST_DIR:GUEST_DIR[:ro|:rw] and --tmpfs GUEST_DIR
 * (docker's syntax; repeatable) and -w DIR.  Guest folders are normalized
 * as --files' GUEST_DIR is (builder/guest_path.h); volumes may not share a
 * guest folder or nest, but in a root volume (GUEST_DIR "/", which holds
 * the others).  The host folders are the monitor's to open, when it makes
 * the VM.
 */
#ifndef KILN_VOLUME_OPTIONS_H
#define KILN_VOLUME_OPTIONS_H

#include <stddef.h>

#include <kiln/abi.h>

#include "monitor/monitor.h"

struct volume_args {
    struct monitor_volume list[KILN_VOLUME_MAX]; /* into host[] and guest[]; --tmpfs: no host */
    char host[KILN_VOLUME_MAX][KILN_PATH_MAX];
    char guest[KILN_VOLUME_MAX][KILN_PATH_MAX];
    size_t count;
    char workdir[KILN_PATH_MAX]; /* "": the default, "/" */
};

struct parser;

/* Adds the volume text gives ("HOST_DIR:GUEST_DIR[:ro|:rw]").  Returns 0,
 * or -1 with the reason in the parser's error. */
int volume_args_add(struct parser *parser, struct volume_args *args, const char *text);

/* Adds the in-memory volume text names (an absolute GUEST_DIR, not
 * "/").  Returns 0, or -1 with the reason in the parser's error. */
int volume_args_tmpfs(struct parser *parser, struct volume_args *args, const char *text);

/* Sets the working folder to text, an absolute guest path.  Returns 0, or
 * -1 with the reason in the parser's error. */
int volume_args_workdir(struct parser *parser, struct volume_args *args, const char *text);

#endif
