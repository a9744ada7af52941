/*
 * A snapshot of an image's VM at READY, just before main: its RAM, its
 * vCPU state and where READY put the request's environment.  With a
 * cache, it is an entry (snapshot_file.h) that every kiln serve and every
 * worker maps, so that all the VMs of a function share its pages; without
 * one, a sealed memfd of this process.  Every clone of it maps the RAM
 * copy-on-write, loads the vCPU state and shares its /dev/kvm and CPUID.
 */
#ifndef KILN_SNAPSHOT_H
#define KILN_SNAPSHOT_H

#include <linux/kvm.h>
#include <stdbool.h>
#include <stdint.h>

#include "guest_io.h"
#include "prepared_image.h"
#include "vcpu_state.h"

struct snapshot_options {
    const char *image_path;
    const char *image_name; /* what messages about the image call it */
    const char *name;       /* for messages about the program */
    uint64_t mem_size;      /* 0: the image's default */
    uint64_t timeout_ms;    /* for booting to READY; 0: none */
    int argc;
    char *const *argv;
    struct guest_io io;    /* the guest's stdio while it boots to READY */
    const char *cache_dir; /* the caches (boot, CPUID, snapshots) to use; NULL: none */
    /* Shared by every function of a server, borrowed and never closed
     * or freed here: */
    int kvm_fd;                     /* /dev/kvm, the server's, kept open by it */
    const struct kvm_cpuid2 *cpuid; /* the guests' CPUID (cpuid_cache.h), the server's */
};

struct snapshot {
    const char *name;
    int fd;              /* the RAM at READY: the cache entry, or a sealed memfd */
    uint64_t mem_offset; /* where in fd guest-physical 0 lies */
    uint64_t mem_size;
    const uint8_t *mem; /* the RAM at READY, mapped read-only */
    uint64_t *present;  /* bitmap of the pages fd holds; the others are zero */
    bool from_cache;    /* the entry was there: no boot to READY */
    struct vcpu_state vcpu;
    uint32_t ready_args; /* READY's argument block */
    uint64_t env_block;  /* where each request's environment goes */
    uint64_t env_size;
    uint64_t code_start;            /* what the image's executable segments span: */
    uint64_t code_end;              /* the only place ring-0 code can come from */
    int kvm_fd;                     /* /dev/kvm, shared by the clones */
    const struct kvm_cpuid2 *cpuid; /* the CPUID the snapshot's vCPU had, and each clone's */
    const char *cache_dir;
    struct prepared_image image; /* kept open for the clones' crash reports */
};

/* Maps the image's snapshot from the cache when it has a good entry
 * (from_cache); else boots the image in serve mode up to READY, keeps
 * that and, with a cache, writes it there for the next server (a corrupt
 * entry is reported, dropped and written anew).  Reports failures, the
 * program's own included. */
int snapshot_take(struct snapshot *snap, const struct snapshot_options *options);

void snapshot_release(struct snapshot *snap);

#endif
