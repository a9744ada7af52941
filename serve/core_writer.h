/*
 * kiln serve --dumpcore DIR: the ELF core of a request whose function
 * crashed, aborted or timed out, DIR/core.<function>.<hash8> as kiln run
 * writes it (monitor/core_file.h), at most one a route a minute.
 *
 * A worker is confined before its first request and may open no file
 * (monitor/syscall_filter.h), so its VM's core is deferred: the crash
 * keeps only the registers.  After the run the worker hands the VM, as
 * the crash left it, to its route's writer, a thread started with the
 * pool before any confinement, which makes the file, writes the core from
 * the VM and renames it into place while the worker waits.  So the
 * worker's filter gains not one call, no file waits in DIR between
 * crashes, and one thread at a time touches the VM.  The wait costs the
 * crashed request alone, once a minute at most: its 502 or 504 leaves
 * when its core is in place.  Two routes of one image share the core's
 * name; the later core replaces the earlier.
 */
#ifndef KILN_CORE_WRITER_H
#define KILN_CORE_WRITER_H

#include "monitor/core_file.h"
#include "monitor/snapshot.h"

/* One core a route in this long at most: a function that crashes on
 * every request fills no disk. */
#define CORE_WRITER_INTERVAL_S 60

struct core_writer_options {
    const char *dir;
    const char *image_path;
    const struct snapshot *snapshot; /* of image_path */
    const char *program;             /* the function's argv[0], all of it */
};

/* Checks that dir takes a core (by making and removing the temporary
 * file of one) and starts the writer.  NULL if that failed (reported in
 * one line). */
struct core_writer *core_writer_start(const struct core_writer_options *options);

/* After a run of vm with core as its deferred core (core_file_defer()):
 * when a crash kept its registers and no core of the route was written
 * this interval, writes vm's core on the writer's thread, waits for it,
 * and logs one line naming it, as name (the route and request id). */
void core_writer_dump(struct core_writer *writer, const struct vm *vm, const struct core_file *core,
                      const char *name);

/* Stops the writer, which must have no dump in progress; NULL is none. */
void core_writer_stop(struct core_writer *writer);

#endif
