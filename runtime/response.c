#include "response.h"
#include "bytes.h"
#include "hypercall.h"
#include <errno.h>

/* An answer larger than this costs a WRITE exit per this many bytes. */
#define RESPONSE_BUFFER_SIZE (64 * 1024)

struct response {
    bool active;
    uint64_t used;
    char bytes[RESPONSE_BUFFER_SIZE];
};

static struct response *response_get(void)
{
    static struct response response;
    return &response;
}

void kiln_response_start(void)
{
    response_get()->active = true;
}

bool kiln_response_active(void)
{
    return response_get()->active;
}

static int64_t flush(struct response *r)
{
    uint64_t done = 0;
    while (done < r->used) {
        int64_t wrote = hypercall_write(1, r->bytes + done, r->used - done);
        if (wrote <= 0)
            return wrote < 0 ? wrote : -EIO;
        done += (uint64_t)wrote;
    }
    r->used = 0;
    return 0;
}

/* What does not fit goes out with the gathered bytes before it: large
 * pieces straight from the caller's buffer. */
int64_t kiln_response_write(const void *buf, uint64_t len)
{
    struct response *r = response_get();
    if (len > sizeof r->bytes - r->used) {
        int64_t err = flush(r);
        if (err < 0)
            return err;
        if (len > sizeof r->bytes)
            return hypercall_write(1, buf, len);
    }
    bytes_copy(r->bytes + r->used, buf, len);
    r->used += len;
    return (int64_t)len;
}

_Noreturn void kiln_response_finish(int32_t status)
{
    struct response *r = response_get();
    hypercall_finish(status, r->bytes, r->used);
}
