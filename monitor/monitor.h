/*
 * The monitor's face to cmd/: boot one image and run it to its end.
 * Failures are reported on stderr, once, where they are found, as
 * "kiln: <what>: <why>"; the result says only how the run ended.
 */
#ifndef KILN_MONITOR_H
#define KILN_MONITOR_H

#include <stdbool.h>
#include <stdint.h>

#include "common/content_hash.h"

/* A folder the guest sees at a folder of its own: a host folder (kiln run
 * -v), or an empty one in guest memory (kiln run --tmpfs).  The volume at
 * guest "/", the root volume, gets every path that no other volume and
 * none of the image's files name (runtime/fs_walk.h). */
struct monitor_volume {
    const char *host;  /* opened once, when the VM is made; NULL when in_memory */
    const char *guest; /* absolute, normalized; "/": the root volume (one at most) */
    bool read_only;    /* writes answer EROFS; not for in_memory */
    bool in_memory;    /* a tmpfs: the runtime keeps it in guest memory */
};

struct monitor_options {
    const char *image_path;
    const char *name;    /* what messages call the program; NULL: image_path */
    uint64_t mem_size;   /* bytes of guest RAM; 0: the image's default */
    uint64_t timeout_ms; /* 0: no limit */
    int argc;            /* argv[0] is the program's name in the guest */
    char *const *argv;
    char *const *envp;                     /* NULL-terminated; the guest's whole environment */
    const char *cache_dir;                 /* the cache's root, for the boot cache; NULL: none */
    const struct content_hash *image_hash; /* of the image file, if known; NULL: hashed here */
    bool verbose;                          /* say whether the boot cache had the image */
    bool trace_boot;                       /* print where the time went on stderr */
    bool strace;                           /* print the program's system calls on stderr */
    bool confine;                          /* seccomp before the run loop (syscall_filter.h): for a
                                              process that does nothing after the run but exit */
    const struct monitor_volume *volumes;  /* at most KILN_VOLUME_MAX, apart (no two nest)
                                              but for a root volume, which holds the others */
    unsigned volume_count;
    const char *workdir;  /* the program's working folder; NULL: "/" */
    const char *core_dir; /* kiln run --dumpcore: a crash's core goes there (core_file.h);
                             NULL: none */
    /* kiln run --gdb: wait on gdb_host:gdb_port (0: any free port) for gdb
     * before the first instruction (gdb_stub.h); NULL: no debugger. */
    const char *gdb_host;
    uint16_t gdb_port;
    /* kiln-oci's create: called once the VM is made and booted, before its
     * first instruction and before the clock or the seccomp filter start;
     * 0 lets the guest run, -1 ends the run as MONITOR_FAILED.  NULL: run
     * at once. */
    int (*before_start)(void *context);
    void *start_context;
    /* INT, TERM, HUP, QUIT, USR1 and USR2 sent to this process reach the
     * program as signals once it starts (host_signals.h); else they act on
     * this process as always. */
    bool forward_signals;
};

enum monitor_outcome {
    MONITOR_EXITED,    /* the guest exited; status holds its exit status */
    MONITOR_CRASHED,   /* the guest faulted or aborted; reported on stderr */
    MONITOR_TIMED_OUT, /* the guest ran past timeout_ms; reported on stderr */
    MONITOR_FAILED,    /* kiln could not run the image; reported on stderr */
    MONITOR_STUCK,     /* every guest thread waited for good; reported on stderr */
};

struct monitor_result {
    enum monitor_outcome outcome;
    int status;
};

struct monitor_result monitor_run(const struct monitor_options *options);

/* Whether this process can run VMs: 0, or -1 with the reason and its fix
 * reported (kiln test checks once, before booting its first test). */
int monitor_kvm_check(void);

#endif
