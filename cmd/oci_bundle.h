/*
 * An OCI bundle's config.json (runtime-spec's config.md), read with
 * jansson into what a VM honours: the process (args, env, cwd, terminal),
 * the root folder, mounts, and the memory limit.  What the spec asks of a
 * Linux process and a VM has no use for (namespaces, cgroups,
 * capabilities, seccomp, rlimits...) is accepted and named in ignored[],
 * for --debug.  Parsing looks at no file but config.json: whether a mount's
 * source is a folder is the caller's to check.
 */
#ifndef KILN_OCI_BUNDLE_H
#define KILN_OCI_BUNDLE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define OCI_BUNDLE_CONFIG "config.json"
#define OCI_IGNORED_MAX   32
#define OCI_BUNDLE_ERROR  512
#define OCI_DEFAULT_CWD   "/"
#define OCI_SPEC_VERSION  "1.0.2"

enum oci_mount_use {
    OCI_MOUNT_BIND,    /* a host folder: a volume (a file: ignored, by the caller) */
    OCI_MOUNT_MEMORY,  /* tmpfs: a folder in guest memory */
    OCI_MOUNT_IGNORED, /* why says why */
};

struct oci_mount {
    const char *destination; /* absolute, as config.json gives it */
    const char *source;      /* as given: absolute, or relative to the bundle; NULL for tmpfs */
    bool read_only;          /* "ro" among the options */
    enum oci_mount_use use;
    const char *why; /* OCI_MOUNT_IGNORED: what the guest has instead */
};

/* Strings point into config, which oci_bundle_free() releases. */
struct oci_bundle {
    json_t *config;
    const char **args; /* NULL-terminated, at least one */
    size_t arg_count;
    const char **env; /* NULL-terminated, "NAME=VALUE" each */
    const char *cwd;  /* absolute */
    bool terminal;
    unsigned console_width, console_height; /* 0: not given */
    const char *root_path;                  /* as given: absolute or relative to the bundle */
    bool root_read_only;
    struct oci_mount *mounts;
    size_t mount_count;
    uint64_t mem_size;   /* linux.resources.memory.limit rounded up for the guest; 0: none */
    json_t *annotations; /* an object, in config; NULL: none */
    const char *ignored[OCI_IGNORED_MAX]; /* "linux.namespaces (a VM is its own)", ... */
    size_t ignored_count;
};

/* Parses config.json's text; name is what messages call it.  Returns 0,
 * or -1 with one line in error and nothing to free. */
int oci_bundle_parse(struct oci_bundle *bundle, const char *text, size_t len, const char *name,
                     char *error, size_t error_size);

/* Reads dir's config.json, as oci_bundle_parse(). */
int oci_bundle_read(struct oci_bundle *bundle, const char *dir, char *error, size_t error_size);

void oci_bundle_free(struct oci_bundle *bundle);

#endif
