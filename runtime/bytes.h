/*
 * Copying and zeroing memory with general registers only: the runtime
 * must not touch vector state (the SYSCALL bounce does not save it), and
 * it calls nothing in libc.  `rep movsb`/`rep stosb` are fast on every CPU
 * with ERMS and correct on all.
 */
#ifndef KILN_RUNTIME_BYTES_H
#define KILN_RUNTIME_BYTES_H

#include <stddef.h>

static inline void bytes_copy(void *dst, const void *src, size_t len)
{
    __asm__ volatile("rep movsb" : "+D"(dst), "+S"(src), "+c"(len) : : "memory");
}

static inline void bytes_zero(void *dst, size_t len)
{
    __asm__ volatile("rep stosb" : "+D"(dst), "+c"(len) : "a"(0) : "memory");
}

#endif
