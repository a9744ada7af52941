/*
 * A run's volumes (kiln run -v HOST:GUEST[:ro], --tmpfs GUEST): each host
 * folder, opened once when the VM is made, and the table of the files the
 * guest opened in them.  Every path the guest names resolves beneath its
 * folder (volume_path.h); the hypercalls that serve them are
 * volume_calls.c and volume_path_calls.c.  An in-memory volume is only a
 * line of the guest's table: its number answers ENODEV like a bad one.
 */
#ifndef KILN_VOLUMES_H
#define KILN_VOLUMES_H

#include <stdbool.h>
#include <stdint.h>

#include <kiln/abi.h>

#include "guest_mem.h"
#include "monitor.h"

struct volume {
    int root; /* O_PATH | O_DIRECTORY; -1 when in_memory */
    bool read_only;
    bool in_memory;
    const char *guest; /* the guest folder, for the guest's table */
};

struct volume_handle {
    int fd; /* -1: free */
    uint32_t volume;
};

struct volumes {
    struct volume list[KILN_VOLUME_MAX];
    uint32_t count;
    const char *workdir; /* NULL: "/" */
    struct volume_handle handles[KILN_HANDLES_MAX];
};

/* Opens the host folders of specs; *volumes stays NULL for a run with no
 * volumes and no working folder.  Reports a folder that is missing or not
 * a folder in one line, "HOST: why" (a read-only in-memory one, "GUEST:
 * why"). */
int volumes_open(struct volumes **volumes, const struct monitor_volume *specs, unsigned count,
                 const char *workdir);

/* Writes the guest's struct kiln_volume_table, then the strings it points
 * to, just below top (the top of the stack, which the initial stack then
 * goes below), and returns where they start: 16-byte aligned, and top
 * itself when volumes is NULL.  0: they do not fit below top. */
uint64_t volumes_write_table(const struct volumes *volumes, const struct guest_mem *mem,
                             uint64_t top);

/* Closes every folder and handle; takes NULL. */
void volumes_close(struct volumes *volumes);

/* Volume index of the guest's, or NULL (none, or in memory). */
const struct volume *volumes_get(const struct volumes *volumes, uint32_t index);

/* A handle for fd, opened in volume; -EMFILE (fd closed) when the guest
 * holds KILN_HANDLES_MAX already. */
int volumes_add_handle(struct volumes *volumes, int fd, uint32_t volume);

/* The open handle of the guest's number, or NULL. */
const struct volume_handle *volumes_handle(const struct volumes *volumes, uint32_t handle);

/* Closes the handle: 0, or -EBADF. */
int volumes_drop_handle(struct volumes *volumes, uint32_t handle);

#endif
