/*
 * The shape of the SYSCALL bounce (entry.S), shared with the C layer so a
 * handler can name the program's registers at the call (ABORT reports
 * them).  Assembler-safe.
 */
#ifndef KILN_RUNTIME_BOUNCE_H
#define KILN_RUNTIME_BOUNCE_H

#define RED_ZONE 128
/* What the ring-0 entry leaves between the program's RSP and the ring-3
 * handler's: the red zone, then the SS slot iretq did not pop. */
#define BOUNCE_GAP (RED_ZONE + 8)

#ifndef __ASSEMBLER__
#include <stdint.h>

/* The registers the ring-3 handler saves, lowest address first. */
struct syscall_frame {
    uint64_t rbx;
    uint64_t rbp;
    uint64_t r9;
    uint64_t r8;
    uint64_t r10;
    uint64_t rdx;
    uint64_t rsi;
    uint64_t rdi;
    uint64_t r11; /* the program's RFLAGS */
    uint64_t rcx; /* the program's RIP, after its SYSCALL */
};
_Static_assert(sizeof(struct syscall_frame) == 80, "entry.S pushes 10 registers");

static inline uint64_t syscall_frame_user_rsp(const struct syscall_frame *frame)
{
    return (uint64_t)(uintptr_t)(frame + 1) + BOUNCE_GAP;
}
#endif

#endif
