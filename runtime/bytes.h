/*
 * Copying and zeroing memory with general registers only: the runtime
 * must not touch vector state (the SYSCALL bounce does not save it), and
 * it calls nothing in libc.  `rep movsb`/`rep stosb` are fast on every CPU
 * with ERMS and correct on all.  The unit tests compile the file layer on
 * the host (hosted), where the compiler's own memcpy and memset serve.
 */
#ifndef KILN_RUNTIME_BYTES_H
#define KILN_RUNTIME_BYTES_H

#include <stddef.h>

#if __STDC_HOSTED__
static inline void bytes_copy(void *dst, const void *src, size_t len)
{
    __builtin_memcpy(dst, src, len);
}

static inline void bytes_zero(void *dst, size_t len)
{
    __builtin_memset(dst, 0, len);
}
#else
static inline void bytes_copy(void *dst, const void *src, size_t len)
{
    __asm__ volatile("rep movsb" : "+D"(dst), "+S"(src), "+c"(len) : : "memory");
}

static inline void bytes_zero(void *dst, size_t len)
{
    __asm__ volatile("rep stosb" : "+D"(dst), "+c"(len) : "a"(0) : "memory");
}
#endif

#if __STDC_HOSTED__
static inline void bytes_move(void *dst, const void *src, size_t len)
{
    __builtin_memmove(dst, src, len);
}
#else
/* Overlapping moves (shifting a sorted table): forwards when the
 * destination lies below the source, else backwards with the direction
 * flag set for the one instruction (the ABI wants it clear again). */
static inline void bytes_move(void *dst, const void *src, size_t len)
{
    if ((char *)dst <= (const char *)src || len == 0) {
        bytes_copy(dst, src, len);
        return;
    }
    char *d = (char *)dst + len - 1;
    const char *s = (const char *)src + len - 1;
    __asm__ volatile("std; rep movsb; cld" : "+D"(d), "+S"(s), "+c"(len) : : "memory");
}
#endif

#endif
