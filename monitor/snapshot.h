/*
 * A snapshot of an image's VM at READY, just before main: its RAM in a
 * sealed memfd and its vCPU state.  Taken once per image; every clone of
 * the pool maps the RAM copy-on-write and loads the vCPU state.
 */
#ifndef KILN_SNAPSHOT_H
#define KILN_SNAPSHOT_H

#include <stdint.h>

#include "guest_mem.h"
#include "prepared_image.h"
#include "vcpu_state.h"

struct snapshot_options {
    const char *image_path;
    const char *image_name; /* what messages about the image call it */
    const char *name;      /* for messages about the program */
    uint64_t mem_size;     /* 0: the image's default */
    uint64_t timeout_ms;   /* for booting to READY; 0: none */
    int argc;
    char *const *argv;
};

struct snapshot {
    const char *name;
    int memfd;
    uint64_t mem_size;
    const uint8_t *mem;     /* the RAM at READY, mapped read-only */
    uint64_t *present;      /* bitmap of the pages in memfd; the others are zero */
    struct vcpu_state vcpu;
    uint32_t ready_args;    /* READY's argument block */
    uint64_t env_block;     /* where each request's environment goes */
    uint64_t env_size;
    uint64_t stack_guard;
    uint64_t code_start;    /* what the image's executable segments span: */
    uint64_t code_end;      /* the only place ring-0 code can come from */
    struct prepared_image image; /* kept open for the clones' crash reports */
};

/* Boots the image in serve mode up to READY and keeps it; reports
 * failures, the program's own included. */
int snapshot_take(struct snapshot *snap, const struct snapshot_options *options);

void snapshot_release(struct snapshot *snap);

/* Guest RAM for a clone: the snapshot's pages mapped copy-on-write, the
 * others anonymous, so that pages the snapshot never had cost nothing
 * shared. */
int snapshot_map_ram(const struct snapshot *snap, struct guest_mem *mem);

/* Whether guest page number page has content in the snapshot. */
static inline int snapshot_has_page(const struct snapshot *snap, uint64_t page)
{
    return (snap->present[page / 64] >> (page % 64)) & 1;
}

#endif
