/*
 * The guest's only ring-0 code, and the ring-3 half of the SYSCALL bounce.
 * Ring-0 instructions are emulated one at a time on PVM (about 1 us each),
 * so each ring-0 path is a handful of instructions and all work happens
 * at ring 3, natively.
 */
#include <kiln/abi.h>

#include "bounce.h"

    .section .text.kiln_ring0, "ax"

/* SYSCALL lands here at ring 0 on the user's stack (RCX = user RIP,
 * R11 = user RFLAGS).  iretq straight back up to the ring-3 handler;
 * sysretq triple-faulted under PVM.  7 instructions. */
    .globl kiln_syscall_entry
kiln_syscall_entry:
    sub $RED_ZONE, %rsp
    pushq $KILN_USER_DS
    pushq %rsp
    pushq %r11
    pushq $KILN_USER_CS
    pushq $kiln_syscall_bounce
    iretq

/* One stub per exception vector, each KILN_EXCEPTION_STUB_SIZE bytes, run
 * on the IST1 stack.  Where the CPU pushes no error code the stub pushes 0,
 * so the monitor always finds: vector, error, rip, cs, rflags, rsp, ss.
 * Vectors for which the CPU pushes an error code itself. */
#define HAS_ERROR_CODE(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || (v) == 21 || \
                           (v) == 29 || (v) == 30)

    .balign KILN_EXCEPTION_STUB_SIZE
    .globl kiln_exception_entries
kiln_exception_entries:
    .set vector, 0
    .rept KILN_EXCEPTION_VECTORS
    .balign KILN_EXCEPTION_STUB_SIZE
    .if !HAS_ERROR_CODE(vector)
    pushq $0
    .endif
    pushq $vector
    jmp kiln_exception_report
    .set vector, vector + 1
    .endr

kiln_exception_report:
    outb %al, $KILN_EXCEPTION_PORT
    hlt
    jmp kiln_exception_report

    .text

/* Ring 3, RSP = user RSP - BOUNCE_GAP, registers as SYSCALL left them.
 * Marks the runtime busy (no upcall may enter it now), saves a struct
 * kiln_regs below RESUME_GAP, calls kiln_syscall(regs), which leaves the
 * result in regs->rax, and resumes from regs: RCX = RIP and R11 = RFLAGS,
 * as Linux leaves them, every other register as it was. */
kiln_syscall_bounce:
    movl $1, kiln_events+EVENTS_BUSY(%rip)
    sub $(RESUME_GAP - BOUNCE_GAP), %rsp
    push %r11
    push %rcx
    push %r15
    push %r14
    push %r13
    push %r12
    push %r11
    push %r10
    push %r9
    push %r8
    push %rsp
    addq $(10 * 8 + RESUME_GAP), (%rsp)
    push %rbp
    push %rdi
    push %rsi
    push %rdx
    push %rcx
    push %rbx
    push %rax
    mov %rsp, %rdi
    mov %rsp, %rbx
    and $-16, %rsp
    call kiln_syscall
    mov %rbx, %rsp
    jmp kiln_resume_on_stack

/* A SYSCALL that never leaves ring 3: the builder (builder/syscall_sites.c)
 * turns the code before each SYSCALL of the program into a jump to a
 * trampoline of its own, which runs that code (which sets EAX, often),
 * steps below the red zone, pushes the address after the SYSCALL and
 * comes here.  That leaves what the ring-0 entry leaves: RSP = user RSP -
 * BOUNCE_GAP, the return address in the slot iretq would not pop; RCX and
 * R11 become what SYSCALL makes them. */
    .globl kiln_syscall_fast
kiln_syscall_fast:
    mov (%rsp), %rcx
    pushfq
    pop %r11
    jmp kiln_syscall_bounce

/* kiln_resume(regs): every register from regs.  RIP and RFLAGS go just
 * below the program's red zone, where popfq and `ret $RED_ZONE` take them
 * without touching a register; the monitor holds upcalls from the moment
 * busy is cleared to the end. */
    .globl kiln_resume
kiln_resume:
    mov %rdi, %rsp
    .globl kiln_resume_on_stack
kiln_resume_on_stack:
    mov REGS_RSP(%rsp), %rax
    mov REGS_RIP(%rsp), %rcx
    mov %rcx, -(RED_ZONE + 8)(%rax)
    mov REGS_RFLAGS(%rsp), %rcx
    mov %rcx, -(RED_ZONE + 16)(%rax)
    mov REGS_RBX(%rsp), %rbx
    mov REGS_RCX(%rsp), %rcx
    mov REGS_RDX(%rsp), %rdx
    mov REGS_RSI(%rsp), %rsi
    mov REGS_RDI(%rsp), %rdi
    mov REGS_RBP(%rsp), %rbp
    mov REGS_R8(%rsp), %r8
    mov REGS_R9(%rsp), %r9
    mov REGS_R10(%rsp), %r10
    mov REGS_R11(%rsp), %r11
    mov REGS_R12(%rsp), %r12
    mov REGS_R13(%rsp), %r13
    mov REGS_R14(%rsp), %r14
    mov REGS_R15(%rsp), %r15
    mov REGS_RAX(%rsp), %rax
    movl $0, kiln_events+EVENTS_BUSY(%rip)
    .globl kiln_resume_begin
kiln_resume_begin:
    mov REGS_RSP(%rsp), %rsp
    lea -(RED_ZONE + 16)(%rsp), %rsp
    popfq
    ret $RED_ZONE
    .globl kiln_resume_end
kiln_resume_end:

/* The monitor enters here at ring 3 with RSP = kiln_events.stack_top and
 * busy set, the program's registers in kiln_events.regs. */
    .globl kiln_upcall_entry
kiln_upcall_entry:
    and $-16, %rsp
    call kiln_upcall
    ud2

/* kiln_switch(save, next): the SysV callee-saved registers stay on the
 * stack being left; everything else the caller saved already. */
    .globl kiln_switch
kiln_switch:
    push %rbp
    push %rbx
    push %r12
    push %r13
    push %r14
    push %r15
    mov %rsp, (%rdi)
    mov %rsi, %rsp
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %rbx
    pop %rbp
    ret

/* kiln_call_on_stack(sp, fn, arg) */
    .globl kiln_call_on_stack
kiln_call_on_stack:
    mov %rdi, %rsp
    and $-16, %rsp
    mov %rdx, %rdi
    call *%rsi
    ud2

    .section .note.GNU-stack, "", @progbits
