/*
 * The shapes entry.S shares with the C layer: where a program's registers
 * lie in a struct kiln_regs (abi.h), and the gap the ring-0 entry leaves
 * below the program's stack.  Assembler-safe.
 */
#ifndef KILN_RUNTIME_BOUNCE_H
#define KILN_RUNTIME_BOUNCE_H

#define RED_ZONE 128
/* What the ring-0 entry leaves between the program's RSP and the ring-3
 * handler's: the red zone, then the SS slot iretq did not pop. */
#define BOUNCE_GAP (RED_ZONE + 8)
/* kiln_resume writes the program's RIP and RFLAGS just below its red
 * zone, so a struct kiln_regs it restores must lie below this. */
#define RESUME_GAP (RED_ZONE + 16)

#define REGS_RAX    0
#define REGS_RBX    8
#define REGS_RCX    16
#define REGS_RDX    24
#define REGS_RSI    32
#define REGS_RDI    40
#define REGS_RBP    48
#define REGS_RSP    56
#define REGS_R8     64
#define REGS_R9     72
#define REGS_R10    80
#define REGS_R11    88
#define REGS_R12    96
#define REGS_R13    104
#define REGS_R14    112
#define REGS_R15    120
#define REGS_RIP    128
#define REGS_RFLAGS 136
#define REGS_SIZE   144

#define EVENTS_BUSY 56 /* offsetof(struct kiln_events, busy) */

#ifndef __ASSEMBLER__
#include <kiln/abi.h>
#include <stddef.h>

_Static_assert(offsetof(struct kiln_regs, rsp) == REGS_RSP, "REGS_RSP");
_Static_assert(offsetof(struct kiln_regs, r8) == REGS_R8, "REGS_R8");
_Static_assert(offsetof(struct kiln_regs, r15) == REGS_R15, "REGS_R15");
_Static_assert(offsetof(struct kiln_regs, rip) == REGS_RIP, "REGS_RIP");
_Static_assert(offsetof(struct kiln_regs, rflags) == REGS_RFLAGS, "REGS_RFLAGS");
_Static_assert(sizeof(struct kiln_regs) == REGS_SIZE, "REGS_SIZE");
_Static_assert(offsetof(struct kiln_events, busy) == EVENTS_BUSY, "EVENTS_BUSY");

/* Puts regs back into the CPU and goes on from regs->rip at ring 3,
 * leaving the runtime (kiln_events.busy cleared).  regs must lie below
 * regs->rsp - RESUME_GAP. */
__attribute__((noreturn)) void kiln_resume(struct kiln_regs *regs);

/* kiln_resume with RSP at the registers: where a new thread's first
 * kiln_switch returns to. */
void kiln_resume_on_stack(void);

/* Saves the callee-saved registers on the current stack and its pointer
 * in *save, then continues on next, a stack kiln_switch saved (or one
 * made to look so). */
void kiln_switch(uint64_t *save, uint64_t next);

/* Calls fn(arg) on the stack below sp; fn does not return. */
__attribute__((noreturn)) void kiln_call_on_stack(void *sp, void (*fn)(void *), void *arg);

/* The monitor's way in (kiln_events.entry) and the bounds of kiln_resume's
 * last instructions, which an upcall must not interrupt. */
void kiln_upcall_entry(void);
extern const char kiln_resume_begin[];
extern const char kiln_resume_end[];
#endif

#endif
