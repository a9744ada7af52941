/*
 * A snapshot of an image's VM at READY, just before main: its RAM in a
 * sealed memfd and its vCPU state.  Taken once per image; every clone of
 * it maps the RAM copy-on-write, loads the vCPU state and shares its
 * /dev/kvm and CPUID.
 */
#ifndef KILN_SNAPSHOT_H
#define KILN_SNAPSHOT_H

#include <linux/kvm.h>
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
    const char *cache_dir; /* the caches (boot, CPUID) to use; NULL: none */
};

struct snapshot {
    const char *name;
    int memfd;
    uint64_t mem_size;
    const uint8_t *mem; /* the RAM at READY, mapped read-only */
    uint64_t *present;  /* bitmap of the pages in memfd; the others are zero */
    struct vcpu_state vcpu;
    uint32_t ready_args; /* READY's argument block */
    uint64_t env_block;  /* where each request's environment goes */
    uint64_t env_size;
    uint64_t code_start;      /* what the image's executable segments span: */
    uint64_t code_end;        /* the only place ring-0 code can come from */
    int kvm_fd;               /* /dev/kvm, shared by the clones */
    struct kvm_cpuid2 *cpuid; /* the CPUID the snapshot's vCPU had, and each clone's */
    const char *cache_dir;
    struct prepared_image image; /* kept open for the clones' crash reports */
};

/* Boots the image in serve mode up to READY and keeps it; reports
 * failures, the program's own included. */
int snapshot_take(struct snapshot *snap, const struct snapshot_options *options);

void snapshot_release(struct snapshot *snap);

#endif
