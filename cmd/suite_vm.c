#include "suite_vm.h"

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cache_dir.h"
#include "common/report.h"
#include "exit_codes.h"
#include "runtime_dir.h"
#include "volume_options.h"

#define SELF_EXE    "/proc/self/exe"
#define SHARE_VAR   "KILN_VM_SHARE"
#define SHARE_MAX   (KILN_VOLUME_MAX + 2)
#define SHARE_SIZE  (SHARE_MAX * (PATH_MAX + 1))
#define FOLDER_MODE 0777

/* Adds the absolute form of folder to the colon-separated list. */
static int add_share(char *list, const char *folder)
{
    char absolute[PATH_MAX];
    if (realpath(folder, absolute) == NULL)
        return report("test --vm: %s: %s", folder, strerror(errno));
    if (strchr(absolute, ':') != NULL)
        return report("test --vm: %s: a folder with ':' in its path cannot be shared", absolute);
    size_t used = strlen(list);
    if (used + strlen(absolute) + 2 > SHARE_SIZE)
        return report("test --vm: too many folders to share");
    snprintf(list + used, SHARE_SIZE - used, "%s%s", used > 0 ? ":" : "", absolute);
    return 0;
}

/* The cache, the folder of --junit's file and the read-write volumes. */
static int shares(const struct test_args *args, char *list)
{
    char cache_dir[PATH_MAX], junit[PATH_MAX];
    list[0] = '\0';
    if (cache_dir_find(cache_dir, sizeof cache_dir) < 0)
        return -1;
    mkdir(cache_dir, FOLDER_MODE);
    if (add_share(list, cache_dir) < 0)
        return -1;
    if (args->junit != NULL) {
        snprintf(junit, sizeof junit, "%s", args->junit);
        if (add_share(list, dirname(junit)) < 0)
            return -1;
    }
    for (size_t i = 0; i < args->run.volumes->count; i++)
        if (!args->run.volumes->list[i].read_only &&
            add_share(list, args->run.volumes->list[i].host) < 0)
            return -1;
    return 0;
}

int suite_vm_exec(const struct test_args *args, int argc, char **argv)
{
    char program[PATH_MAX], kiln[PATH_MAX];
    char *list = malloc(SHARE_SIZE);
    char **vm_argv = calloc((size_t)argc + 3, sizeof *vm_argv);
    if (list == NULL || vm_argv == NULL) {
        report("test --vm: out of memory");
        return EXIT_CANNOT_RUN;
    }
    ssize_t len = readlink(SELF_EXE, kiln, sizeof kiln - 1);
    if (len < 0 || vm_program_find(program, sizeof program) < 0 || shares(args, list) < 0 ||
        setenv(SHARE_VAR, list, 1) != 0) {
        if (len < 0)
            report_errno("test --vm", SELF_EXE);
        return EXIT_CANNOT_RUN;
    }
    kiln[len] = '\0';
    int n = 0;
    vm_argv[n++] = program;
    vm_argv[n++] = kiln;
    bool options = true;
    for (int i = 0; i < argc; i++) {
        options &= strcmp(argv[i], "--") != 0;
        if (!options || strcmp(argv[i], "--vm") != 0)
            vm_argv[n++] = argv[i];
    }
    report("test: running the suite inside a QEMU guest with nested KVM (%s); its times are "
           "emulation's",
           program);
    execv(program, vm_argv);
    report("test --vm: %s: %s", program, strerror(errno));
    return EXIT_CANNOT_RUN;
}
