#define _GNU_SOURCE
#include "iov.h"
#include "bytes.h"
#include "user_range.h"
#include <errno.h>
#include <limits.h>

long iov_check(const struct iovec *iov, int count, uint64_t *total)
{
    uint64_t sum = 0;

    if (count < 0 || count > IOV_COUNT_MAX)
        return -EINVAL;
    if (count > 0 && !user_range_ok(iov, (uint64_t)count * sizeof *iov))
        return -EFAULT;
    for (int i = 0; i < count; i++) {
        uint64_t len = iov[i].iov_len;
        if (len > (uint64_t)SSIZE_MAX - sum)
            return -EINVAL;
        if (len > 0 && !user_range_ok(iov[i].iov_base, len))
            return -EFAULT;
        sum += len;
    }
    *total = sum;
    return 0;
}

long iov_each(const struct iovec *iov, int count, uint64_t pos, iov_piece *piece, void *context)
{
    uint64_t done = 0;

    for (int i = 0; i < count; i++) {
        if (iov[i].iov_len == 0)
            continue;
        int64_t moved = piece(context, iov[i].iov_base, iov[i].iov_len, pos + done);
        if (moved < 0)
            return done > 0 ? (long)done : moved;
        done += (uint64_t)moved;
        if ((uint64_t)moved < iov[i].iov_len)
            break;
    }
    return (long)done;
}

uint64_t iov_length(const struct iovec *iov, int count)
{
    uint64_t total = 0;

    for (int i = 0; i < count; i++)
        total += iov[i].iov_len;
    return total;
}

char *iov_bounce(void)
{
    static char bounce[IOV_BOUNCE_SIZE];
    return bounce;
}

void iov_scatter(const struct iovec *iov, int count, const void *src, uint64_t len)
{
    const char *from = src;

    for (int i = 0; i < count && len > 0; i++) {
        uint64_t piece = iov[i].iov_len < len ? iov[i].iov_len : len;
        bytes_copy(iov[i].iov_base, from, piece);
        from += piece;
        len -= piece;
    }
}

void iov_gather(void *dst, const struct iovec *iov, int count)
{
    char *to = dst;

    for (int i = 0; i < count; i++) {
        bytes_copy(to, iov[i].iov_base, iov[i].iov_len);
        to += iov[i].iov_len;
    }
}
