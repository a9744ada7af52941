/*
 * Resetting a clone to its snapshot between requests: the fast path.
 * Only the pages written since the last reset go back (KVM's dirty log
 * for the guest's writes, guest_mem's map for the monitor's), then the
 * whole vCPU state.
 */
#ifndef KILN_RESET_H
#define KILN_RESET_H

#include "clone.h"

/* Returns the number of pages put back, or -1 (reported) when the clone
 * must be rebuilt instead. */
long reset_clone(struct clone *clone);

#endif
