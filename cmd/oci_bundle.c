#include "oci_bundle.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kiln/abi.h>

#include "common/mapped_file.h"
#include "common/paths.h"
#include "option_values.h"

#define SIZE_TEXT 32

/* What config.json may hold for a Linux process that a VM has no use for:
 * where it sits, and what the guest has instead. */
static const struct ignored_key {
    const char *object; /* "process", "linux", or "" for the top level */
    const char *key;
    const char *message;
} ignored_keys[] = {
    {"", "hooks", "hooks (not run: nothing of the container runs on the host)"},
    {"", "hostname", "hostname (the guest has no UTS namespace)"},
    {"", "domainname", "domainname (the guest has no UTS namespace)"},
    {"process", "user", "process.user (the guest runs as its one user)"},
    {"process", "capabilities", "process.capabilities (the guest has no host privileges)"},
    {"process", "rlimits", "process.rlimits (a VM's limit is its memory; none set on the monitor)"},
    {"process", "noNewPrivileges", "process.noNewPrivileges (the monitor confines itself)"},
    {"process", "apparmorProfile", "process.apparmorProfile (the monitor confines itself)"},
    {"process", "selinuxLabel", "process.selinuxLabel (the monitor confines itself)"},
    {"process", "oomScoreAdj", "process.oomScoreAdj (not set on the monitor)"},
    {"linux", "namespaces", "linux.namespaces (a VM is its own)"},
    {"linux", "uidMappings", "linux.uidMappings (a VM is its own user namespace)"},
    {"linux", "gidMappings", "linux.gidMappings (a VM is its own user namespace)"},
    {"linux", "devices", "linux.devices (the guest's devices are the runtime's)"},
    {"linux", "cgroupsPath", "linux.cgroupsPath (a VM's limits are its memory and one vCPU)"},
    {"linux", "seccomp", "linux.seccomp (the monitor confines itself with its own filter)"},
    {"linux", "sysctl", "linux.sysctl (the guest has no kernel to tune)"},
    {"linux", "maskedPaths", "linux.maskedPaths (the guest has no host /proc or /sys)"},
    {"linux", "readonlyPaths", "linux.readonlyPaths (the guest has no host /proc or /sys)"},
    {"linux", "mountLabel", "linux.mountLabel (the monitor confines itself)"},
    {"linux", "rootfsPropagation", "linux.rootfsPropagation (volumes do not propagate mounts)"},
    {"linux", "intelRdt", "linux.intelRdt (a VM's limits are its memory and one vCPU)"},
    {"linux", "personality", "linux.personality (the guest is x86-64)"},
    {"linux", "timeOffsets", "linux.timeOffsets (the guest's clocks are the host's)"},
};

/* Mount types that name a kernel's file system, which the guest's runtime
 * stands in for. */
static const char *const kernel_types[] = {
    "proc", "sysfs", "devpts", "mqueue", "cgroup", "cgroup2", "securityfs", "debugfs", "devtmpfs",
};

/* Guest folders the runtime serves itself, whatever a mount says. */
static const char *const runtime_folders[] = {"/proc", "/sys", "/dev"};

struct reader {
    char *error;
    size_t error_size;
    const char *name; /* config.json's, for messages */
};

static int fail(const struct reader *reader, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int fail(const struct reader *reader, const char *fmt, ...)
{
    char why[OCI_BUNDLE_ERROR];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    snprintf(reader->error, reader->error_size, "%s: %s", reader->name, why);
    return -1;
}

/* An optional member of the given JSON type: 0 (*value NULL when absent), or -1. */
static int member(const struct reader *reader, json_t *object, const char *where, const char *key,
                  json_type type, const char *type_name, json_t **value)
{
    *value = json_object_get(object, key);
    if (*value == NULL || json_typeof(*value) == type)
        return 0;
    return fail(reader, "%s%s%s is not %s", where, *where ? "." : "", key, type_name);
}

/* An array of strings, into a NULL-terminated list. */
static int string_list(const struct reader *reader, json_t *array, const char *where,
                       const char ***list, size_t *count)
{
    size_t size = array != NULL ? json_array_size(array) : 0;
    *list = calloc(size + 1, sizeof **list);
    if (*list == NULL)
        return fail(reader, "out of memory");
    for (size_t i = 0; i < size; i++) {
        (*list)[i] = json_string_value(json_array_get(array, i));
        if ((*list)[i] == NULL)
            return fail(reader, "%s[%zu] is not a string", where, i);
    }
    *count = size;
    return 0;
}

static void note_ignored(struct oci_bundle *bundle, const char *message)
{
    if (bundle->ignored_count < OCI_IGNORED_MAX)
        bundle->ignored[bundle->ignored_count++] = message;
}

/* json_typeof cannot ask for "true or false" in one type. */
static int boolean(const struct reader *reader, json_t *object, const char *where, const char *key,
                   bool *value)
{
    json_t *found = json_object_get(object, key);
    if (found != NULL && !json_is_boolean(found))
        return fail(reader, "%s.%s is not true or false", where, key);
    *value = json_is_true(found);
    return 0;
}

static int read_console(const struct reader *reader, json_t *process, struct oci_bundle *bundle)
{
    json_t *size;
    if (member(reader, process, "process", "consoleSize", JSON_OBJECT, "an object", &size) < 0)
        return -1;
    json_int_t height = json_integer_value(json_object_get(size, "height"));
    json_int_t width = json_integer_value(json_object_get(size, "width"));
    if (height < 0 || height > USHRT_MAX || width < 0 || width > USHRT_MAX)
        return fail(reader, "process.consoleSize is not a terminal's size");
    bundle->console_height = (unsigned)height;
    bundle->console_width = (unsigned)width;
    return 0;
}

static int read_process(const struct reader *reader, json_t *config, struct oci_bundle *bundle)
{
    json_t *process, *args, *env, *cwd;
    size_t env_count;
    if (member(reader, config, "", "process", JSON_OBJECT, "an object", &process) < 0)
        return -1;
    if (process == NULL)
        return fail(reader, "no process: nothing to run");
    if (member(reader, process, "process", "args", JSON_ARRAY, "an array", &args) < 0 ||
        member(reader, process, "process", "env", JSON_ARRAY, "an array", &env) < 0 ||
        member(reader, process, "process", "cwd", JSON_STRING, "a string", &cwd) < 0 ||
        boolean(reader, process, "process", "terminal", &bundle->terminal) < 0 ||
        read_console(reader, process, bundle) < 0)
        return -1;
    if (args == NULL || json_array_size(args) == 0)
        return fail(reader, "process.args is %s: nothing to run", args ? "empty" : "missing");
    if (string_list(reader, args, "process.args", &bundle->args, &bundle->arg_count) < 0 ||
        string_list(reader, env, "process.env", &bundle->env, &env_count) < 0)
        return -1;
    if (bundle->args[0][0] == '\0')
        return fail(reader, "process.args[0] is empty: nothing to run");
    bundle->cwd = cwd != NULL ? json_string_value(cwd) : OCI_DEFAULT_CWD;
    if (bundle->cwd[0] != '/')
        return fail(reader, "process.cwd \"%s\" is not absolute", bundle->cwd);
    return 0;
}

static int read_root(const struct reader *reader, json_t *config, struct oci_bundle *bundle)
{
    json_t *root, *path;
    if (member(reader, config, "", "root", JSON_OBJECT, "an object", &root) < 0)
        return -1;
    if (root == NULL)
        return fail(reader, "no root: the guest's / is root.path");
    if (member(reader, root, "root", "path", JSON_STRING, "a string", &path) < 0 ||
        boolean(reader, root, "root", "readonly", &bundle->root_read_only) < 0)
        return -1;
    if (path == NULL || json_string_length(path) == 0)
        return fail(reader, "root.path is %s", path ? "empty" : "missing");
    bundle->root_path = json_string_value(path);
    return 0;
}

static bool has_option(json_t *options, const char *wanted)
{
    size_t i;
    json_t *option;
    json_array_foreach(options, i, option)
    {
        const char *text = json_string_value(option);
        if (text != NULL && strcmp(text, wanted) == 0)
            return true;
    }
    return false;
}

/* Whether path is folder or lies beneath it. */
static bool beneath(const char *path, const char *folder)
{
    size_t len = strlen(folder);
    return strncmp(path, folder, len) == 0 && (path[len] == '\0' || path[len] == '/');
}

static void classify(struct oci_mount *mount, const char *type, json_t *options)
{
    for (size_t i = 0; i < sizeof runtime_folders / sizeof runtime_folders[0]; i++)
        if (beneath(mount->destination, runtime_folders[i])) {
            mount->use = OCI_MOUNT_IGNORED;
            mount->why = "the guest's /proc, /sys and /dev are its runtime's";
            return;
        }
    for (size_t i = 0; i < sizeof kernel_types / sizeof kernel_types[0]; i++)
        if (strcmp(type, kernel_types[i]) == 0) {
            mount->use = OCI_MOUNT_IGNORED;
            mount->why = "a kernel's file system: the guest's runtime is its kernel";
            return;
        }
    if (strcmp(type, "bind") == 0 || has_option(options, "bind") || has_option(options, "rbind"))
        mount->use = OCI_MOUNT_BIND;
    else if (strcmp(type, "tmpfs") == 0)
        mount->use = OCI_MOUNT_MEMORY;
    else {
        mount->use = OCI_MOUNT_IGNORED;
        mount->why = "a file system kiln does not serve";
    }
}

static int read_mount(const struct reader *reader, json_t *entry, size_t index,
                      struct oci_mount *mount)
{
    char where[SIZE_TEXT];
    json_t *destination, *type, *source, *options;
    snprintf(where, sizeof where, "mounts[%zu]", index);
    if (!json_is_object(entry))
        return fail(reader, "%s is not an object", where);
    if (member(reader, entry, where, "destination", JSON_STRING, "a string", &destination) < 0 ||
        member(reader, entry, where, "type", JSON_STRING, "a string", &type) < 0 ||
        member(reader, entry, where, "source", JSON_STRING, "a string", &source) < 0 ||
        member(reader, entry, where, "options", JSON_ARRAY, "an array", &options) < 0)
        return -1;
    if (destination == NULL || json_string_value(destination)[0] != '/')
        return fail(reader, "%s.destination is %s", where,
                    destination ? "not absolute" : "missing");
    mount->destination = json_string_value(destination);
    mount->source = source != NULL ? json_string_value(source) : NULL;
    mount->read_only = has_option(options, "ro");
    classify(mount, type != NULL ? json_string_value(type) : "", options);
    if (mount->use == OCI_MOUNT_BIND && (mount->source == NULL || mount->source[0] == '\0'))
        return fail(reader, "%s (%s) binds no source", where, mount->destination);
    return 0;
}

static int read_mounts(const struct reader *reader, json_t *config, struct oci_bundle *bundle)
{
    json_t *mounts;
    if (member(reader, config, "", "mounts", JSON_ARRAY, "an array", &mounts) < 0)
        return -1;
    size_t count = mounts != NULL ? json_array_size(mounts) : 0;
    bundle->mounts = calloc(count + 1, sizeof *bundle->mounts);
    if (bundle->mounts == NULL)
        return fail(reader, "out of memory");
    for (size_t i = 0; i < count; i++)
        if (read_mount(reader, json_array_get(mounts, i), i, &bundle->mounts[i]) < 0)
            return -1;
    bundle->mount_count = count;
    return 0;
}

static int memory_limit(const struct reader *reader, json_t *limit, struct oci_bundle *bundle)
{
    char size[SIZE_TEXT], bound[SIZE_TEXT];
    if (limit != NULL && !json_is_integer(limit))
        return fail(reader, "linux.resources.memory.limit is not a number");
    json_int_t bytes = json_integer_value(limit);
    if (bytes <= 0) /* -1 is the spec's "unlimited" */
        return 0;
    format_size((uint64_t)bytes, size, sizeof size);
    if ((uint64_t)bytes > KILN_MEM_MAX) {
        format_size(KILN_MEM_MAX, bound, sizeof bound);
        return fail(reader,
                    "linux.resources.memory.limit %s is above kiln's largest guest memory, %s",
                    size, bound);
    }
    if ((uint64_t)bytes < KILN_MEM_MIN) {
        format_size(KILN_MEM_MIN, bound, sizeof bound);
        return fail(reader,
                    "linux.resources.memory.limit %s is below kiln's smallest guest memory, %s",
                    size, bound);
    }
    bundle->mem_size = ((uint64_t)bytes + KILN_MEM_ALIGN - 1) & ~(KILN_MEM_ALIGN - 1);
    return 0;
}

/* memory.limit is honoured; the rest of linux.resources is named ignored. */
static int read_resources(const struct reader *reader, json_t *linux, struct oci_bundle *bundle)
{
    json_t *resources = json_object_get(linux, "resources");
    json_t *memory = json_object_get(resources, "memory");
    if (memory != NULL && !json_is_object(memory))
        return fail(reader, "linux.resources.memory is not an object");
    if (memory_limit(reader, json_object_get(memory, "limit"), bundle) < 0)
        return -1;
    size_t honoured = json_object_get(memory, "limit") != NULL;
    if (json_object_size(resources) > (memory != NULL) || json_object_size(memory) > honoured)
        note_ignored(bundle, "linux.resources but memory.limit (a VM's limits are its memory "
                             "and one vCPU)");
    return 0;
}

static void note_ignored_keys(json_t *config, struct oci_bundle *bundle)
{
    for (size_t i = 0; i < sizeof ignored_keys / sizeof ignored_keys[0]; i++) {
        const struct ignored_key *ignored = &ignored_keys[i];
        json_t *object = ignored->object[0] ? json_object_get(config, ignored->object) : config;
        if (json_object_get(object, ignored->key) != NULL)
            note_ignored(bundle, ignored->message);
    }
}

static int read_config(const struct reader *reader, json_t *config, struct oci_bundle *bundle)
{
    json_t *annotations, *linux;
    if (!json_is_object(config))
        return fail(reader, "not a JSON object");
    if (member(reader, config, "", "annotations", JSON_OBJECT, "an object", &annotations) < 0 ||
        member(reader, config, "", "linux", JSON_OBJECT, "an object", &linux) < 0 ||
        read_process(reader, config, bundle) < 0 || read_root(reader, config, bundle) < 0 ||
        read_mounts(reader, config, bundle) < 0 || read_resources(reader, linux, bundle) < 0)
        return -1;
    bundle->annotations = annotations;
    note_ignored_keys(config, bundle);
    return 0;
}

int oci_bundle_parse(struct oci_bundle *bundle, const char *text, size_t len, const char *name,
                     char *error, size_t error_size)
{
    const struct reader reader = {error, error_size, name};
    json_error_t why;
    *bundle = (struct oci_bundle){0};
    bundle->config = json_loadb(text, len, 0, &why);
    if (bundle->config == NULL)
        return fail(&reader, "line %d, column %d: %s", why.line, why.column, why.text);
    if (read_config(&reader, bundle->config, bundle) < 0) {
        oci_bundle_free(bundle);
        return -1;
    }
    return 0;
}

int oci_bundle_read(struct oci_bundle *bundle, const char *dir, char *error, size_t error_size)
{
    char path[PATH_MAX];
    struct mapped_file file;
    if (path_join(path, sizeof path, dir, OCI_BUNDLE_CONFIG) != 0) {
        snprintf(error, error_size, "%s: path too long", dir);
        return -1;
    }
    int rc = mapped_file_open(&file, path);
    if (rc != 0) {
        snprintf(error, error_size, "%s: %s", path, strerror(-rc));
        return -1;
    }
    /* An empty file maps to no bytes. */
    const char *text = file.bytes != NULL ? (const char *)file.bytes : "";
    rc = oci_bundle_parse(bundle, text, file.size, path, error, error_size);
    mapped_file_close(&file);
    return rc;
}

void oci_bundle_free(struct oci_bundle *bundle)
{
    free(bundle->args);
    free(bundle->env);
    free(bundle->mounts);
    json_decref(bundle->config);
    *bundle = (struct oci_bundle){0};
}
