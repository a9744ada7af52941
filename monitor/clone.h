/*
 * Making a VM from a snapshot (resetting one is reset.c): RAM mapped
 * copy-on-write over the snapshot with KVM's dirty log on, the vCPU
 * loaded with the snapshot's state, and a timer for the calling thread,
 * which is the one that will run it.
 */
#ifndef KILN_CLONE_H
#define KILN_CLONE_H

#include <stdint.h>

#include "snapshot.h"
#include "vm.h"

struct clone {
    struct vm vm;
    const struct snapshot *snapshot;
    uint64_t *dirty;    /* KVM's dirty log, fetched at each reset */
    int64_t tsc_offset; /* the guest's TSC minus the host's */
    /* The pages reset has put back since the clone was made: each is a
     * copy of its own, no longer the snapshot's shared page. */
    uint64_t *copied;
    uint64_t private_pages;
};

/* Makes a VM from snap on the calling thread, its stdio behind io; a
 * crash's core goes to core (a deferred one, core_file.h), or nowhere
 * when it is NULL.  Reports failures. */
int clone_create(struct clone *clone, const struct snapshot *snap, struct guest_io io,
                 uint64_t timeout_ms, struct core_file *core);

void clone_destroy(struct clone *clone);

#endif
