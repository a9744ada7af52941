#include "link_objects.h"

#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/atomic_file.h"
#include "common/report.h"
#include "compiler.h"
#include "inputs.h"
#include "musl_command.h"
#include "syscall_sites.h"

/* A temporary file beside output, executable as the image will be. */
static int create_temp(const char *output, char *temp, size_t temp_size)
{
    int fd = atomic_file_create(output, temp, temp_size);
    if (fd < 0)
        return -1;
    mode_t umask_bits = umask(0);
    umask(umask_bits);
    int rc = fchmod(fd, IMAGE_MODE & ~umask_bits);
    int saved = errno;
    close(fd);
    if (rc != 0) {
        unlink(temp);
        return report("%s: cannot write: %s", output, strerror(saved));
    }
    return 0;
}

/* musl_command_link links one object per source; here each argument is
 * one "object". */
static int link_into(const struct link_request *request, const char *temp)
{
    struct build_options options = {
        .source_count = request->arg_count,
        .default_mem = request->default_mem,
        .runtime_dir = request->runtime_dir,
        .verbose = request->verbose,
    };
    struct musl_command command;
    if (musl_command_link(&command, &options, request->args, NULL, temp) != 0)
        return report("link failed: %s", strerror(errno));
    int rc = compiler_run_link(&command, request->verbose);
    musl_command_free(&command);
    return rc;
}

int link_objects(const struct link_request *request)
{
    char compiler[PATH_MAX], temp[PATH_MAX];
    if (inputs_check_tools(request->runtime_dir, compiler, sizeof compiler) != 0 ||
        create_temp(request->output, temp, sizeof temp) != 0)
        return -1;
    int rc = link_into(request, temp);
    if (rc == 0)
        rc = syscall_sites_patch(temp, request->verbose);
    if (rc != 0) {
        unlink(temp);
        return -1;
    }
    return atomic_file_commit(temp, request->output);
}
