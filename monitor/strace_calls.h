/*
 * What kiln run --strace knows of each system call's arguments and
 * answer: one kind per argument, from which strace_format.c prints it.
 */
#ifndef KILN_STRACE_CALLS_H
#define KILN_STRACE_CALLS_H

#include <stdbool.h>
#include <stdint.h>

enum strace_arg {
    ARG_NONE, /* past the call's last argument */
    ARG_INT,  /* an int, in decimal: fds, pids, counts */
    ARG_LONG, /* a signed long, in decimal: offsets */
    ARG_ULONG,
    ARG_HEX,       /* a number read best in hex: flags kiln does not name */
    ARG_PTR,       /* an address not followed: NULL or 0x... */
    ARG_DIRFD,     /* AT_FDCWD or an fd */
    ARG_PATH,      /* a NUL-terminated string the call reads */
    ARG_PATH_OUT,  /* a NUL-terminated string the call wrote, once it has */
    ARG_BUF_IN,    /* bytes the call reads; the next argument counts them */
    ARG_BUF_OUT,   /* bytes the call wrote: as many as it answered */
    ARG_IOV_IN,    /* struct iovec[] the call reads; the next argument counts them */
    ARG_IOV_OUT,   /* struct iovec[] the call filled, as many bytes as it answered */
    ARG_MODE,      /* permission bits, in octal */
    ARG_OPEN_MODE, /* ARG_MODE, there only when the flags before it create a file */
    /* Named values (strace_flags.h). */
    ARG_OPEN_FLAGS,
    ARG_FD_FLAGS, /* O_CLOEXEC and O_NONBLOCK alone: pipe2, dup3, accept4 */
    ARG_AT_FLAGS,
    ARG_UNLINK_FLAGS,
    ARG_ACCESS_MODE,
    ARG_PROT,
    ARG_MAP_FLAGS,
    ARG_WHENCE,
    ARG_CLOCK,
    ARG_SIGNAL,
    ARG_SIGMASK_HOW,
    ARG_FCNTL_CMD,
    ARG_IOCTL_REQUEST,
    ARG_FUTEX_OP,
    ARG_ARCH_PRCTL_CODE,
};

enum strace_result {
    RESULT_LONG,    /* in decimal, or -1 and the errno */
    RESULT_ADDRESS, /* in hex, or -1 and the errno: mmap, brk */
    RESULT_NONE,    /* "?": the call does not return (reported before it) */
};

#define STRACE_ARGS 6

struct strace_call {
    bool described;            /* false: a row the table leaves empty */
    uint8_t args[STRACE_ARGS]; /* enum strace_arg */
    uint8_t result;            /* enum strace_result */
};

/* Call nr's kinds, or NULL for a call kiln does not describe (its six
 * arguments then print in hex). */
const struct strace_call *strace_call_kinds(uint64_t nr);

#endif
