/*
 * The program's iovec arrays: checked once, as Linux checks them, then
 * copied piece by piece.  Calls that leave the VM gather small vectors
 * into one bounce buffer so that they cost one exit, not one per piece
 * (musl's stdio reads and writes two pieces at a time).
 */
#ifndef KILN_RUNTIME_IOV_H
#define KILN_RUNTIME_IOV_H

#include <stdint.h>
#include <sys/uio.h>

#define IOV_COUNT_MAX   1024
#define IOV_BOUNCE_SIZE 4096

/* 0 with *total, or -EINVAL (count, or a sum past SSIZE_MAX) or -EFAULT
 * (a piece outside the program's memory). */
long iov_check(const struct iovec *iov, int count, uint64_t *total);

/* Moves one piece at pos: the bytes moved (fewer than len ends the
 * vector), or -errno. */
typedef int64_t iov_piece(void *context, void *base, uint64_t len, uint64_t pos);

/* Moves each non-empty piece in turn from pos, as readv and writev do:
 * the bytes moved, stopping at the first short piece, or the first
 * piece's error. */
long iov_each(const struct iovec *iov, int count, uint64_t pos, iov_piece *piece, void *context);

/* The pieces' total length (checked by iov_check before). */
uint64_t iov_length(const struct iovec *iov, int count);

/* The bounce buffer: below 4 GiB, as the hypercalls need. */
char *iov_bounce(void);

/* Copies len bytes from src into the pieces, in order. */
void iov_scatter(const struct iovec *iov, int count, const void *src, uint64_t len);

/* Copies all the pieces, in order, to dst. */
void iov_gather(void *dst, const struct iovec *iov, int count);

#endif
