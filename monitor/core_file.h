/*
 * kiln run --dumpcore DIR: the core file a crash or a timeout leaves for
 * gdb (core_elf.h), DIR/core.<program>.<the image hash's first 8 hex
 * digits>, which `gdb app.kiln DIR/core.app.1234abcd` reads with the
 * image.  Written atomically (common/atomic_file.h): its temporary file
 * is made in DIR before the guest runs, while the monitor may still open
 * files, and renamed into place when the guest crashes; so a DIR that
 * is missing or unwritable is refused before the run, and the run
 * loop's seccomp filter allows only that file's write, rename and
 * removal (syscall_filter.c), never an open.  A thread that may open no
 * file at all (a kiln serve worker) defers its core instead: the crash
 * keeps the registers, and a thread that may writes the core after the
 * run, from the VM as the crash left it.
 */
#ifndef KILN_CORE_FILE_H
#define KILN_CORE_FILE_H

#include <limits.h>
#include <linux/kvm.h>
#include <stdbool.h>

#include "common/content_hash.h"
#include "common/report.h"

struct vm;

/* The program's registers at a crash, and the signal it died of. */
struct core_registers {
    struct kvm_regs regs;
    struct kvm_sregs sregs;
    int signal;
};

struct core_file {
    int fd;              /* the temporary file, until the core is in it */
    char temp[PATH_MAX]; /* its name; "" once renamed or removed */
    char path[PATH_MAX]; /* DIR/core.<program>.<hash8> */
    char name[16];       /* NT_PRPSINFO's: the image file's name ... */
    char args[80];       /* ... and the program's command line */
    bool dumped;         /* one core a run, the first crash's */
    /* kiln serve's: the thread that runs the guest may open no file, so
     * a crash only keeps its registers in kept, and another thread writes
     * the core after the run (core_file_defer()). */
    bool deferred;
    struct core_registers kept;
};

/* Makes the temporary file in dir for the program argv[0] run from the
 * image file image_path with image_hash.  Returns 0, or -1 (reported in
 * one line). */
int core_file_open(struct core_file *core, const char *dir, const char *image_path,
                   const struct content_hash *image_hash, int argc, char *const *argv);

/* Removes the temporary file when no core went into it. */
void core_file_close(struct core_file *core);

/* Writes vm's core with the program's registers at into core's
 * temporary file, closes it and renames it into place.  Returns 0, or
 * -errno (the temporary file is then core_file_close()'s to remove). */
int core_file_write(struct core_file *core, const struct vm *vm, const struct core_registers *at);

/* Writes vm's core (vm->core; nothing without one, or after the first)
 * with the program's registers at, and adds a line to the crash report
 * text: "core written to PATH", or why not.  The run's outcome stays.
 * A deferred core (core_file_defer()) only keeps at, and adds nothing. */
void core_file_dump(struct vm *vm, const struct core_registers *at, struct report_text *text);

/* core_file_dump() with the vCPU's registers as they are: a timeout, or
 * a crash with no better ones. */
void core_file_dump_vcpu(struct vm *vm, int signal, struct report_text *text);

/* Makes core, which has no file, a deferred one, ready for the next run:
 * its crash leaves dumped set and the registers in kept, for
 * core_file_write() into a file core_file_open() makes afterwards. */
void core_file_defer(struct core_file *core);

#endif
