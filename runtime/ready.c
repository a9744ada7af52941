/*
 * kiln serve's snapshot point.  kiln.ld places this constructor after
 * every other, so it runs when libc and the program's own constructors
 * are done and main is next.  Under kiln serve it makes READY: the monitor
 * snapshots the VM there, and every request resumes from the call with
 * its CGI environment in request_env, which becomes environ.  argv and
 * main's envp stay the snapshot's; CGI programs read getenv().  Under
 * kiln run it costs one read of the boot info.
 */
#include "boot_info.h"
#include "hypercall.h"
#include "response.h"
#include <stdint.h>
#include <stdio.h>

/* Big enough for every header libmicrohttpd accepts (its whole request
 * memory is 32 KiB) and the CGI variables; untouched pages cost nothing. */
#define REQUEST_ENV_SIZE   (64 * 1024)
#define STDOUT_BUFFER_SIZE (64 * 1024)

extern char **__environ;

static uint64_t request_env[REQUEST_ENV_SIZE / sizeof(uint64_t)];
static char stdout_buffer[STDOUT_BUFFER_SIZE];

/* stdout is never a terminal under kiln serve, so it is set fully
 * buffered, as musl would find out at its first write: by probing with
 * TIOCGWINSZ after flushing the first line on its own, a syscall and an
 * exit more per request.  A larger buffer means fewer exits for big
 * answers. */
static void ready(void)
{
    if (!(boot_info()->flags & KILN_BOOT_SERVE))
        return;
    setvbuf(stdout, stdout_buffer, _IOFBF, sizeof stdout_buffer);
    if (hypercall_ready(request_env, sizeof request_env) != 0)
        return;
    __environ = (char **)request_env;
    kiln_response_start();
}

/* Not .init_array: kiln.ld puts this section after all of .init_array. */
__attribute__((section(".kiln_init_last"), used)) static void (*const ready_entry)(void) = ready;
