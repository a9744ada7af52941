/*
 * kiln serve runs as its own program, kiln-serve, beside kiln: only it
 * links libmicrohttpd, which Debian ships without a complete static chain
 * (GnuTLS needs p11-kit's shared object), so kiln itself stays static and
 * its run path loads no shared library at all.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "common/report.h"
#include "exit_codes.h"
#include "runtime_dir.h"

int cmd_serve_exec(int argc, char **argv)
{
    char program[PATH_MAX];
    (void)argc;
    if (serve_program_find(program, sizeof program) < 0)
        return EXIT_SERVE_FAILED;
    execv(program, argv);
    report("serve: cannot run %s: %s", program, strerror(errno));
    return EXIT_SERVE_FAILED;
}
