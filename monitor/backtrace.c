#include "backtrace.h"

struct frame {
    uint64_t caller_rbp;
    uint64_t return_address;
};

size_t backtrace_walk(const struct backtrace_bounds *bounds, uint64_t rbp,
                      uint64_t *return_addresses, size_t max)
{
    size_t count = 0;
    while (count < max && rbp >= bounds->stack_bottom && rbp % sizeof(uint64_t) == 0) {
        const struct frame *at = guest_mem_at(bounds->mem, rbp, sizeof *at);
        if (at == NULL)
            break;
        struct frame frame = *at;
        if (!image_holds_code(bounds->image, frame.return_address))
            break;
        return_addresses[count++] = frame.return_address;
        if (frame.caller_rbp <= rbp)
            break;
        rbp = frame.caller_rbp;
    }
    return count;
}
