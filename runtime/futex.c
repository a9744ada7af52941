/*
 * All futex waiters share one queue, in arrival order (wait_queue.h); a
 * wake walks it: threads are few, and the walk never leaves the VM.
 */
#define _GNU_SOURCE
#include "futex.h"
#include "clock.h"
#include "sched.h"
#include "thread.h"
#include "user_range.h"
#include "wait_queue.h"
#include <errno.h>
#include <time.h>

/* Linux's futex ABI (linux/futex.h, which musl does not ship). */
#define FUTEX_WAIT           0
#define FUTEX_WAKE           1
#define FUTEX_REQUEUE        3
#define FUTEX_CMP_REQUEUE    4
#define FUTEX_WAKE_OP        5
#define FUTEX_WAIT_BITSET    9
#define FUTEX_WAKE_BITSET    10
#define FUTEX_PRIVATE_FLAG   128
#define FUTEX_CLOCK_REALTIME 256
#define FUTEX_CMD_MASK       (~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME))
#define FUTEX_OP_SET         0
#define FUTEX_OP_ADD         1
#define FUTEX_OP_OR          2
#define FUTEX_OP_ANDN        3
#define FUTEX_OP_XOR         4
#define FUTEX_OP_OPARG_SHIFT 8
#define FUTEX_OP_CMP_EQ      0
#define FUTEX_OP_CMP_NE      1
#define FUTEX_OP_CMP_LT      2
#define FUTEX_OP_CMP_LE      3
#define FUTEX_OP_CMP_GT      4
#define FUTEX_OP_CMP_GE      5
#define ALL_BITS             0xffffffffu

static struct wait_queue waiters;

static void wake_one(struct thread *thread)
{
    sched_make_runnable(thread, 0);
}

static unsigned wake(uint64_t addr, unsigned count, uint32_t bitset)
{
    return wait_queue_wake_futex(&waiters, addr, count, bitset, wake_one);
}

unsigned futex_wake_address(uint64_t addr, unsigned count)
{
    return wake(addr, count, ALL_BITS);
}

/* FUTEX_WAIT's timeout is relative on CLOCK_MONOTONIC; WAIT_BITSET's is
 * absolute, on CLOCK_REALTIME if the op asks. */
static long deadline_of(const struct timespec *timeout, int op, int64_t *deadline)
{
    *deadline = 0;
    if (!timeout)
        return 0;
    if (!user_range_ok(timeout, sizeof *timeout))
        return -EFAULT;
    bool absolute = (op & FUTEX_CMD_MASK) == FUTEX_WAIT_BITSET;
    clockid_t clock = (op & FUTEX_CLOCK_REALTIME) ? CLOCK_REALTIME : CLOCK_MONOTONIC;
    return kiln_clock_deadline(clock, absolute, timeout, deadline) ? 0 : -EINVAL;
}

static long wait(uint32_t *addr, uint32_t expected, const struct timespec *timeout, int op,
                 uint32_t bitset)
{
    int64_t deadline;
    long rc = deadline_of(timeout, op, &deadline);
    if (rc)
        return rc;
    if (__atomic_load_n(addr, __ATOMIC_SEQ_CST) != expected)
        return -EAGAIN;
    struct thread *self = thread_now;
    self->futex_addr = (uint64_t)(uintptr_t)addr;
    self->futex_bitset = bitset;
    self->what_addr = self->futex_addr;
    rc = sched_wait(&waiters, deadline, 0, "futex");
    self->futex_addr = 0;
    return rc == -EINTR && !timeout ? -ERESTARTSYS : rc;
}

/* FUTEX_WAKE_OP: *addr2 op= oparg, wake addr, and addr2 too if the old
 * value compares as cmp says. */
static long wake_op(uint32_t *addr, unsigned count, uint32_t *addr2, unsigned count2,
                    uint32_t encoded)
{
    unsigned op = (encoded >> 28) & 7, cmp = (encoded >> 24) & 15;
    uint32_t oparg = (encoded >> 12) & 0xfff, cmparg = encoded & 0xfff;
    if (encoded & (FUTEX_OP_OPARG_SHIFT << 28))
        oparg = oparg < 32 ? 1u << oparg : 0;
    if (!user_range_ok(addr2, sizeof *addr2))
        return -EFAULT;
    uint32_t old = *addr2;
    switch (op) {
    case FUTEX_OP_SET:
        *addr2 = oparg;
        break;
    case FUTEX_OP_ADD:
        *addr2 = old + oparg;
        break;
    case FUTEX_OP_OR:
        *addr2 = old | oparg;
        break;
    case FUTEX_OP_ANDN:
        *addr2 = old & ~oparg;
        break;
    case FUTEX_OP_XOR:
        *addr2 = old ^ oparg;
        break;
    default:
        return -ENOSYS;
    }
    bool hit;
    switch (cmp) {
    case FUTEX_OP_CMP_EQ:
        hit = old == cmparg;
        break;
    case FUTEX_OP_CMP_NE:
        hit = old != cmparg;
        break;
    case FUTEX_OP_CMP_LT:
        hit = (int32_t)old < (int32_t)cmparg;
        break;
    case FUTEX_OP_CMP_LE:
        hit = (int32_t)old <= (int32_t)cmparg;
        break;
    case FUTEX_OP_CMP_GT:
        hit = (int32_t)old > (int32_t)cmparg;
        break;
    case FUTEX_OP_CMP_GE:
        hit = (int32_t)old >= (int32_t)cmparg;
        break;
    default:
        return -ENOSYS;
    }
    long woken = wake((uint64_t)(uintptr_t)addr, count, ALL_BITS);
    if (hit)
        woken += wake((uint64_t)(uintptr_t)addr2, count2, ALL_BITS);
    return woken;
}

long kiln_sys_futex(const struct syscall_args *args)
{
    uint32_t *addr = (uint32_t *)(uintptr_t)args->arg1;
    int op = (int)args->arg2;
    uint32_t val = (uint32_t)args->arg3;
    const struct timespec *timeout = (const struct timespec *)(uintptr_t)args->arg4;
    uint32_t *addr2 = (uint32_t *)(uintptr_t)args->arg5;
    uint32_t val3 = (uint32_t)args->arg6;
    unsigned count2 = (unsigned)args->arg4; /* REQUEUE, WAKE_OP: arg4 is a count */

    if (((uintptr_t)addr & 3) || !user_range_ok(addr, sizeof *addr))
        return -EFAULT;
    switch (op & FUTEX_CMD_MASK) {
    case FUTEX_WAIT:
        return wait(addr, val, timeout, op, ALL_BITS);
    case FUTEX_WAIT_BITSET:
        return val3 ? wait(addr, val, timeout, op, val3) : -EINVAL;
    case FUTEX_WAKE:
        return wake((uint64_t)(uintptr_t)addr, val, ALL_BITS);
    case FUTEX_WAKE_BITSET:
        return val3 ? (long)wake((uint64_t)(uintptr_t)addr, val, val3) : -EINVAL;
    case FUTEX_CMP_REQUEUE:
        if (__atomic_load_n(addr, __ATOMIC_SEQ_CST) != val3)
            return -EAGAIN;
        /* fall through */
    case FUTEX_REQUEUE:
        if (!user_range_ok(addr2, sizeof *addr2))
            return -EFAULT;
        return wake((uint64_t)(uintptr_t)addr, val, ALL_BITS) +
               wait_queue_requeue_futex(&waiters, (uint64_t)(uintptr_t)addr,
                                        (uint64_t)(uintptr_t)addr2, count2);
    case FUTEX_WAKE_OP:
        return wake_op(addr, val, addr2, count2, val3);
    default:
        return -ENOSYS;
    }
}
