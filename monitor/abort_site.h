/*
 * Where the program made the call that ended in an ABORT: abort(),
 * raise(), a failed assert().  The runtime reports the registers of the
 * program's last system call, deep inside musl, which has no unwind
 * tables and uses RBP as it likes: gdb cannot unwind from there.  So the
 * stack is scanned, as breakpad does where unwind data runs out, for the
 * innermost return address into code with unwind tables (the program's
 * own), with the frame record of its function above it: a core of those
 * registers shows the program entering the function it called (abort,
 * __assert_fail), and gdb's bt goes on from its caller.  The stack is
 * guest data, read through guest_mem_at(); a guess that does not hold up
 * is no site.
 */
#ifndef KILN_ABORT_SITE_H
#define KILN_ABORT_SITE_H

#include <stdbool.h>
#include <stdint.h>

#include "guest_mem.h"
#include "image.h"

/* The registers gdb unwinds from. */
struct abort_site {
    uint64_t rip; /* the called function's first byte, or the return address */
    uint64_t rsp; /* at the return address, or just above it */
    uint64_t rbp; /* the calling function's frame record */
};

/* Looks for the site from rsp up.  Returns false, site untouched, when
 * the stack holds none that holds up. */
bool abort_site_find(const struct guest_mem *mem, const struct image *image, uint64_t rsp,
                     struct abort_site *site);

#endif
