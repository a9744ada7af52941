/*
 * The return addresses on a guest's stack, found by following its chain
 * of frame pointers: each frame holds the caller's RBP with the return
 * address above it.  kiln build compiles programs with frame pointers;
 * musl's libc.a has none, so a fault inside libc shows the libc function
 * (from RIP) and then the program's frames, without the one program
 * function that called into libc.
 */
#ifndef KILN_BACKTRACE_H
#define KILN_BACKTRACE_H

#include <stddef.h>
#include <stdint.h>

#include "guest_mem.h"
#include "image.h"

#define BACKTRACE_MAX 32

/* Where frames and return addresses may be. */
struct backtrace_bounds {
    const struct guest_mem *mem;
    const struct image *image; /* return addresses lie in its code */
    uint64_t stack_bottom;     /* frames lie from here to the end of RAM */
};

/* Writes up to max return addresses, innermost first, walking from rbp;
 * returns how many.  The chain is guest data: the walk reads it through
 * guest_mem_at() and stops at the first frame that is not a word-aligned
 * pair on the stack above the one before, or whose return address is not
 * in the image's code. */
size_t backtrace_walk(const struct backtrace_bounds *bounds, uint64_t rbp,
                      uint64_t *return_addresses, size_t max);

#endif
