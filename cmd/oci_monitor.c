#include "oci_monitor.h"

#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "build.h"
#include "common/cache_dir.h"
#include "common/report.h"
#include "exit_codes.h"
#include "monitor/monitor.h"
#include "oci_log.h"
#include "oci_state.h"

#define FIRST_FD   3 /* past stdin, stdout and stderr */
#define OWN_FDS    2 /* the guest's stderr to be, and exec.fifo */
#define FD_ALL_MAX (~0U)

struct start_wait {
    int stderr_fd; /* what stderr becomes once the VM is ready */
    int fifo_fd;
};

/* The hook monitor_run calls before the guest's first instruction. */
static int wait_for_start(void *context)
{
    struct start_wait *wait = context;
    char byte = OCI_READY_BYTE;
    if (write(STDERR_FILENO, &byte, 1) != 1 || dup2(wait->stderr_fd, STDERR_FILENO) < 0)
        return -1;
    close(wait->stderr_fd);
    /* A signal before start (kill of a created container) ends the run. */
    ssize_t got = read(wait->fifo_fd, &byte, 1);
    close(wait->fifo_fd);
    return got == 1 ? 0 : -1;
}

/* Closes every descriptor from first up but keep's, which are above it. */
static void close_others(unsigned first, int keep[OWN_FDS])
{
    if (keep[0] > keep[1]) {
        int swap = keep[0];
        keep[0] = keep[1];
        keep[1] = swap;
    }
    for (int i = 0; i < OWN_FDS; i++) {
        if ((unsigned)keep[i] > first)
            close_range(first, (unsigned)keep[i] - 1, 0);
        first = (unsigned)keep[i] + 1;
    }
    close_range(first, FD_ALL_MAX, 0);
}

/* The container's descriptors: the pty on 0, 1 and (once ready) 2 with a
 * terminal, create's otherwise; --preserve-fds's; and kiln-oci's own,
 * moved past those.  stderr is the pipe to create until then, so that
 * create reports what fails from here on. */
static int set_up_fds(const struct oci_monitor_setup *setup, struct start_wait *wait)
{
    int first_free = FIRST_FD + (int)setup->preserve_fds;
    int console = setup->console_fd;
    wait->stderr_fd = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, first_free);
    if (wait->stderr_fd < 0 || dup2(setup->report_fd, STDERR_FILENO) < 0)
        return -1; /* create says the monitor process ended before its VM was ready */
    if (setsid() < 0 ||
        (console >= 0 && (ioctl(console, TIOCSCTTY, 0) != 0 || dup2(console, STDIN_FILENO) < 0 ||
                          dup2(console, STDOUT_FILENO) < 0 || dup2(console, wait->stderr_fd) < 0)))
        return report_errno("create", "the container's terminal");
    wait->fifo_fd = fcntl(setup->fifo_fd, F_DUPFD_CLOEXEC, first_free);
    if (wait->fifo_fd < 0)
        return report_errno("create", OCI_EXEC_FIFO);
    int keep[OWN_FDS] = {wait->stderr_fd, wait->fifo_fd};
    close_others((unsigned)first_free, keep);
    /* Ours that sat among the preserved ones (in a gap) go too. */
    close(setup->report_fd);
    close(setup->fifo_fd);
    if (console >= 0)
        close(console);
    return 0;
}

/* A Linux program becomes an image through the build cache (cache_dir;
 * NULL: there is none), as kiln run makes it.  Returns the image's path,
 * or NULL (reported). */
static const char *image_of(const struct oci_process *process, const char *cache_dir,
                            struct built_image *built, const struct content_hash **hash)
{
    *hash = NULL;
    if (!process->linux_program)
        return process->program;
    struct compile_args compile = {.program = process->program};
    if (cache_dir == NULL || build_cached_image(&compile, cache_dir, built) < 0)
        return NULL;
    *hash = &built->hash;
    return built->path;
}

static struct monitor_result run(const struct oci_monitor_setup *setup, struct start_wait *wait)
{
    const struct oci_bundle *bundle = setup->bundle;
    const struct oci_process *process = setup->process;
    char cache_dir[PATH_MAX];
    struct built_image built;
    const struct content_hash *hash;
    /* An image runs without a cache folder too, only without the boot cache. */
    bool cached = cache_dir_find(cache_dir, sizeof cache_dir) == 0;
    const char *image = image_of(process, cached ? cache_dir : NULL, &built, &hash);
    if (image == NULL)
        return (struct monitor_result){.outcome = MONITOR_FAILED};
    struct monitor_options options = {
        .image_path = image,
        .name = bundle->args[0],
        .mem_size = bundle->mem_size,
        .argc = (int)bundle->arg_count,
        /* monitor.h's types, as for execve; the monitor only reads them. */
        .argv = (char *const *)bundle->args,
        .envp = (char *const *)bundle->env,
        .cache_dir = cached ? cache_dir : NULL,
        .image_hash = hash,
        .confine = true,
        .volumes = process->volumes,
        .volume_count = process->volume_count,
        .workdir = process->workdir,
        .before_start = wait_for_start,
        .start_context = wait,
        .forward_signals = true,
    };
    return monitor_run(&options);
}

void oci_monitor_main(const struct oci_monitor_setup *setup)
{
    struct start_wait wait;
    oci_log_forget();
    /* The monitor pins no folder of the caller's (a bundle to unmount). */
    if (set_up_fds(setup, &wait) < 0 || chdir("/") != 0)
        exit(EXIT_CANNOT_RUN);
    exit(exit_code_of_run(run(setup, &wait)));
}
