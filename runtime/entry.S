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
 * Saves a struct syscall_frame, calls kiln_syscall(nr, a1..a6, frame) and
 * returns the Linux way: RAX = result, RCX = RIP, R11 = RFLAGS, every
 * other register preserved. */
kiln_syscall_bounce:
    push %rcx
    push %r11
    push %rdi
    push %rsi
    push %rdx
    push %r10
    push %r8
    push %r9
    push %rbp
    push %rbx
    mov %rsp, %rbx
    and $-16, %rsp
    push %rbx
    push %r9
    mov %r8, %r9
    mov %r10, %r8
    mov %rdx, %rcx
    mov %rsi, %rdx
    mov %rdi, %rsi
    mov %rax, %rdi
    call kiln_syscall
    mov %rbx, %rsp
    pop %rbx
    pop %rbp
    pop %r9
    pop %r8
    pop %r10
    pop %rdx
    pop %rsi
    pop %rdi
    pop %r11
    pop %rcx
    /* Restore RFLAGS while still below the red zone; lea leaves flags be. */
    push %r11
    popfq
    lea BOUNCE_GAP(%rsp), %rsp
    jmp *%rcx

    .section .note.GNU-stack, "", @progbits
