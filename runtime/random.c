/*
 * getrandom from RDRAND, which runs at ring 3 with no exit.  Where the CPU
 * (as the monitor's CPUID shows it) has no RDRAND, or RDRAND keeps
 * failing, the bytes come from a TSC-seeded xorshift: NOT cryptographic.
 */
#define _GNU_SOURCE
#include "random.h"
#include "bytes.h"
#include "tsc.h"
#include "user_range.h"
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/random.h>

#define CPUID_FEATURES_LEAF 1
#define CPUID_ECX_RDRAND    (1u << 30)
/* Intel's advice: retry RDRAND ten times before calling it broken. */
#define RDRAND_TRIES             10
#define XORSHIFT_FALLBACK_SEED   0x9e3779b97f4a7c15ull
#define XORSHIFT_STAR_MULTIPLIER 0x2545f4914f6cdd1dull

struct random_state {
    bool probed;
    bool has_rdrand;
    uint64_t xorshift;
};

static struct random_state *random_get(void)
{
    static struct random_state state;
    return &state;
}

static bool cpu_has_rdrand(void)
{
    uint32_t eax = CPUID_FEATURES_LEAF, ebx, ecx = 0, edx;
    __asm__("cpuid" : "+a"(eax), "=b"(ebx), "+c"(ecx), "=d"(edx));
    return ecx & CPUID_ECX_RDRAND;
}

static bool rdrand64(uint64_t *value)
{
    for (int i = 0; i < RDRAND_TRIES; i++) {
        unsigned char ok;
        __asm__ volatile("rdrand %0; setc %1" : "=r"(*value), "=qm"(ok) : : "cc");
        if (ok)
            return true;
    }
    return false;
}

/* xorshift64*: never cryptographic, only the fallback. */
static uint64_t xorshift_next(struct random_state *state)
{
    uint64_t x = state->xorshift;

    if (x == 0)
        x = tsc_read() ^ XORSHIFT_FALLBACK_SEED;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    state->xorshift = x;
    return x * XORSHIFT_STAR_MULTIPLIER;
}

static uint64_t random_word(struct random_state *state)
{
    uint64_t value;

    if (!state->probed) {
        state->has_rdrand = cpu_has_rdrand();
        state->probed = true;
    }
    if (state->has_rdrand && rdrand64(&value))
        return value;
    return xorshift_next(state);
}

void kiln_random_fill(void *buf, uint64_t len)
{
    unsigned char *bytes = buf;
    struct random_state *state = random_get();

    for (uint64_t done = 0; done < len;) {
        uint64_t word = random_word(state);
        uint64_t chunk = len - done < sizeof word ? len - done : sizeof word;
        bytes_copy(bytes + done, &word, chunk);
        done += chunk;
    }
}

long kiln_sys_getrandom(const struct syscall_args *args)
{
    void *buf = (void *)(uintptr_t)args->arg1;
    uint64_t len = args->arg2 < SYSCALL_MAX_RW_COUNT ? args->arg2 : SYSCALL_MAX_RW_COUNT;
    unsigned flags = (unsigned)args->arg3;

    if ((flags & ~(unsigned)(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE)) ||
        (flags & (GRND_RANDOM | GRND_INSECURE)) == (GRND_RANDOM | GRND_INSECURE))
        return -EINVAL;
    if (len == 0)
        return 0;
    if (!user_range_ok(buf, len))
        return -EFAULT;
    kiln_random_fill(buf, len);
    return (long)len;
}
