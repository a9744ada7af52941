/*
 * kiln's exit codes.  kiln build: 0, EXIT_BUILD_FAILED or EXIT_USAGE.
 * kiln run: the program's own status, or one of the codes from 124 up,
 * which follow timeout(1) and env(1): 124 timed out, 125 the tool failed,
 * 126 the program could not go on.  kiln serve: 0 after a clean shutdown,
 * EXIT_SERVE_FAILED, EXIT_USAGE, or EXIT_CANNOT_RUN without KVM.  kiln
 * test: 0, 1 when a test failed, EXIT_CANNOT_RUN.  kiln new: 0, EXIT_NEW_FAILED or
 * EXIT_USAGE.  kiln inspect: 0, EXIT_INSPECT_FAILED or EXIT_USAGE.  kiln
 * pack: 0, EXIT_PACK_FAILED or EXIT_USAGE.
 */
#ifndef KILN_EXIT_CODES_H
#define KILN_EXIT_CODES_H

#include "monitor/monitor.h"

#define EXIT_BUILD_FAILED   1
#define EXIT_USAGE          2
#define EXIT_SERVE_FAILED   1
#define EXIT_NEW_FAILED     1
#define EXIT_INSPECT_FAILED 1
#define EXIT_PACK_FAILED    1
#define EXIT_TIMED_OUT      124
#define EXIT_CANNOT_RUN     125
#define EXIT_CRASHED        126

/* What kiln run exits with after the guest's run ended as result says. */
int exit_code_of_run(struct monitor_result result);

#endif
