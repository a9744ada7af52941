/*
 * A function's READY snapshot as a cache entry (DESIGN.md, "Caches"):
 * snapshots/<key>, where the key covers all the snapshot depends on (the
 * image with its embedded files, kiln's version, the memory size, argv,
 * and the CPUID and XSAVE size KVM gives guests, which the saved XSAVE
 * state and the code libc chose at start-up assume).  The file holds a
 * header, the vCPU state, the bitmap of the pages the snapshot holds, and
 * then, from a page-aligned offset, guest RAM as a sparse region: those
 * pages at their addresses, holes elsewhere.  Clones map that region
 * copy-on-write, never copy it, so every VM of the function, in every
 * server, shares its page-cache pages.  A read checks one hash over the
 * header, the state, the bitmap and every page the bitmap marks.
 */
#ifndef KILN_SNAPSHOT_FILE_H
#define KILN_SNAPSHOT_FILE_H

#include <stddef.h>

#include "common/content_hash.h"
#include "snapshot.h"

/* The key of snap, whose image is open, mem_size set and KVM (kvm_fd,
 * cpuid) chosen, booted with argv. */
struct content_hash snapshot_file_key(const struct snapshot *snap, int argc, char *const *argv);

/* Writes the entry's path, cache_dir/snapshots/<key>; returns 0, or -1
 * (reported) when it does not fit. */
int snapshot_file_path(char *path, size_t path_size, const char *cache_dir,
                       const struct content_hash *key);

/* Reads the entry at path into snap, whose mem_size is set: vCPU state,
 * READY's block, the page bitmap, and fd, mem_offset and mem over its
 * RAM.  Returns 1 then; 0 when there is no good entry (a corrupt one is
 * reported and dropped, an unreadable one reported). */
int snapshot_file_load(struct snapshot *snap, const char *path, const struct content_hash *key);

/* Writes snap, just taken in a memfd, as the entry at path (atomically:
 * a temporary file renamed into place), then moves snap onto the entry
 * (fd, mem_offset, mem), whose pages other servers share.  Returns 0, or
 * -1 (reported) with snap as it was. */
int snapshot_file_save(struct snapshot *snap, const char *path, const struct content_hash *key);

#endif
