#include "oci_process.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "builder/builder.h"
#include "builder/guest_path.h"
#include "common/paths.h"
#include "monitor/volume_path.h"
#include "oci_log.h"

/* runc's PATH when process.env sets none. */
#define DEFAULT_PATH   "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
#define ELF_MAGIC      "\177ELF"
#define ELF_MAGIC_SIZE 4
#define FD_PATH_SIZE   32

/* A path config.json gives: absolute as it is, else beneath the bundle. */
static int bundle_path(char *path, const char *bundle_dir, const char *given, const char *what)
{
    int written = given[0] == '/' ? snprintf(path, PATH_MAX, "%s", given)
                                  : snprintf(path, PATH_MAX, "%s/%s", bundle_dir, given);
    if (written < 0 || written >= PATH_MAX)
        return oci_error("%s %s: path too long", what, given);
    return 0;
}

/* Whether one of the guest folders a and b is the other or holds it. */
static bool nested(const char *a, const char *b)
{
    size_t len_a = strlen(a), len_b = strlen(b);
    const char *shorter = len_a < len_b ? a : b, *longer = len_a < len_b ? b : a;
    size_t len = len_a < len_b ? len_a : len_b;
    return strncmp(shorter, longer, len) == 0 && (longer[len] == '\0' || longer[len] == '/');
}

/* The root folder is volume 0, at "/"; the others lie over it, apart. */
static int add_volume(struct oci_process *process, const char *host, const char *guest,
                      bool read_only, bool in_memory)
{
    unsigned index = process->volume_count;
    const char *why;
    if (index == KILN_VOLUME_MAX)
        return oci_error("mounts: %s: more than %d volumes (the root folder, bind and tmpfs "
                         "mounts together)",
                         guest, KILN_VOLUME_MAX);
    if (guest_path_join(process->guests[index], guest, "", &why) != 0)
        return oci_error("mounts: %s: %s", guest, why);
    for (unsigned i = 1; i < index; i++)
        if (nested(process->guests[i], process->guests[index]))
            return oci_error("mounts: %s and %s overlap (kiln's volumes may not share a folder "
                             "or nest)",
                             process->guests[i], process->guests[index]);
    if (index > 0 && strcmp(process->guests[index], "/") == 0)
        return oci_error("mounts: %s: the guest's / is root.path", guest);
    if (host != NULL)
        snprintf(process->hosts[index], PATH_MAX, "%s", host);
    process->volumes[index] = (struct monitor_volume){
        .host = host != NULL ? process->hosts[index] : NULL,
        .guest = process->guests[index],
        .read_only = read_only,
        .in_memory = in_memory,
    };
    process->volume_count++;
    return 0;
}

/* A host folder: its real path into real (a symlink's target is what a
 * volume serves). 1 for a folder, 0 for anything else, -1 missing. */
static int host_folder(const char *path, char *real, const char *what)
{
    struct stat info;
    if (realpath(path, real) == NULL || stat(real, &info) != 0)
        return oci_error("%s %s: %s", what, path, strerror(errno));
    return S_ISDIR(info.st_mode) ? 1 : 0;
}

static int add_root(struct oci_process *process, const struct oci_bundle *bundle,
                    const char *bundle_dir)
{
    char path[PATH_MAX], real[PATH_MAX];
    if (bundle_path(path, bundle_dir, bundle->root_path, "root.path") < 0)
        return -1;
    int folder = host_folder(path, real, "root.path");
    if (folder == 0)
        return oci_error("root.path %s is not a folder", path);
    return folder < 0 ? -1 : add_volume(process, real, "/", bundle->root_read_only, false);
}

static int add_bind(struct oci_process *process, const struct oci_mount *mount,
                    const char *bundle_dir)
{
    char path[PATH_MAX], real[PATH_MAX];
    if (bundle_path(path, bundle_dir, mount->source, "mounts: source") < 0)
        return -1;
    int folder = host_folder(path, real, "mounts: source");
    if (folder < 0)
        return -1;
    if (folder == 0) {
        oci_debug("ignored: mounts %s (binds a file: kiln's volumes are folders)",
                  mount->destination);
        return 0;
    }
    return add_volume(process, real, mount->destination, mount->read_only, false);
}

static int add_mounts(struct oci_process *process, const struct oci_bundle *bundle,
                      const char *bundle_dir)
{
    for (size_t i = 0; i < bundle->mount_count; i++) {
        const struct oci_mount *mount = &bundle->mounts[i];
        int added = 0;
        if (mount->use == OCI_MOUNT_BIND)
            added = add_bind(process, mount, bundle_dir);
        else if (mount->use == OCI_MOUNT_MEMORY)
            added = add_volume(process, NULL, mount->destination, false, true);
        else
            oci_debug("ignored: mounts %s (%s)", mount->destination, mount->why);
        if (added < 0)
            return -1;
    }
    return 0;
}

/* path beneath the root folder: a regular file's descriptor, 0 when there
 * is none there, or -1 (reported). */
static int open_beneath(int root, const char *path)
{
    int fd = volume_resolve(root, path, O_RDONLY, 0);
    struct stat info;
    if (fd == -ENOENT || fd == -ENOTDIR || fd == -ELOOP)
        return 0;
    if (fd < 0)
        return oci_error("process.args[0]: %s: %s", path, strerror(-fd));
    if (fstat(fd, &info) == 0 && S_ISREG(info.st_mode))
        return fd;
    close(fd);
    return 0;
}

/* "PATH=..." of the guest's environment, as the guest's own exec would. */
static const char *search_path(const struct oci_bundle *bundle)
{
    for (const char **var = bundle->env; *var != NULL; var++)
        if (strncmp(*var, "PATH=", 5) == 0)
            return *var + 5;
    return DEFAULT_PATH;
}

/* runc's lookup: a name with a slash from process.cwd, one without
 * through PATH; either way beneath the root folder. */
static int find_program(int root, const struct oci_bundle *bundle)
{
    const char *name = bundle->args[0];
    char path[PATH_MAX];
    if (strchr(name, '/') != NULL)
        return path_join(path, sizeof path, name[0] == '/' ? "/" : bundle->cwd, name) == 0
                   ? open_beneath(root, path)
                   : oci_error("process.args[0] %s: path too long", name);
    for (const char *dir = search_path(bundle); *dir != '\0';) {
        size_t len = strcspn(dir, ":");
        int written = snprintf(path, sizeof path, "%.*s/%s", (int)len, dir, name);
        int fd = written > 0 && (size_t)written < sizeof path ? open_beneath(root, path) : 0;
        if (fd != 0)
            return fd;
        dir += len + (dir[len] == ':');
    }
    return 0;
}

/* What the file is: a kiln image (which the monitor checks) or a Linux
 * program (which the builder does). */
static int check_program(struct oci_process *process, int fd, const char *name)
{
    char magic[ELF_MAGIC_SIZE], link[FD_PATH_SIZE];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t len = readlink(link, process->program, sizeof process->program - 1);
    if (len < 0 || (size_t)len == sizeof process->program - 1)
        return oci_error("process.args[0] %s: cannot name its file: %s", name,
                         len < 0 ? strerror(errno) : "path too long");
    process->program[len] = '\0';
    if (pread(fd, magic, sizeof magic, 0) != (ssize_t)sizeof magic ||
        memcmp(magic, ELF_MAGIC, sizeof magic) != 0)
        return oci_error("process.args[0] %s (%s) is neither a kiln image nor a Linux program",
                         name, process->program);
    process->linux_program = builder_is_program(process->program);
    return 0;
}

static int plan_program(struct oci_process *process, const struct oci_bundle *bundle)
{
    const char *root_dir = process->hosts[0];
    int root = open(root_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (root < 0)
        return oci_error("root.path %s: %s", root_dir, strerror(errno));
    int fd = find_program(root, bundle);
    close(root);
    if (fd == 0)
        return oci_error("process.args[0] %s: no such file in root.path %s%s", bundle->args[0],
                         root_dir, strchr(bundle->args[0], '/') ? "" : " (searched PATH)");
    if (fd < 0)
        return -1;
    int checked = check_program(process, fd, bundle->args[0]);
    close(fd);
    return checked;
}

int oci_process_plan(struct oci_process *process, const struct oci_bundle *bundle,
                     const char *bundle_dir)
{
    const char *why;
    memset(process, 0, sizeof *process);
    if (add_root(process, bundle, bundle_dir) < 0 || plan_program(process, bundle) < 0 ||
        add_mounts(process, bundle, bundle_dir) < 0)
        return -1;
    if (guest_path_join(process->cwd, bundle->cwd, "", &why) != 0)
        return oci_error("process.cwd %s: %s", bundle->cwd, why);
    process->workdir = strcmp(process->cwd, "/") != 0 ? process->cwd : NULL;
    return 0;
}
