/*
 * Faults delivered to a SIGSEGV handler, which jumps back out with
 * siglongjmp: a read through NULL, a write near NULL with the handler
 * still armed, and a stack overflow whose handler runs on an alternate
 * stack.  Each case prints what the handler saw.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ALT_STACK_SIZE (64 * 1024)

static sigjmp_buf back;
static volatile sig_atomic_t faults;
static void *volatile fault_address;
static volatile int fault_signo, fault_code;
static volatile uintptr_t handler_frame;
static char *alt_stack;

static void on_segv(int signo, siginfo_t *info, void *context)
{
    (void)context;
    char here;
    faults++;
    fault_signo = info->si_signo;
    fault_code = info->si_code;
    fault_address = info->si_addr;
    handler_frame = (uintptr_t)&here;
    (void)signo;
    siglongjmp(back, 1);
}

static const char *code_name(int code)
{
    switch (code) {
    case SEGV_MAPERR:
        return "SEGV_MAPERR";
    case SEGV_ACCERR:
        return "SEGV_ACCERR";
    default:
        return "another si_code";
    }
}

static void report(const char *what)
{
    printf("%s: caught signal %d (%s), %s, si_addr %p\n", what, fault_signo,
           fault_signo == SIGSEGV ? "SIGSEGV" : "not SIGSEGV", code_name(fault_code),
           fault_address);
}

static void null_read(void)
{
    int *volatile pointer = NULL;
    if (sigsetjmp(back, 1) == 0) {
        printf("read through NULL: %d\n", *pointer);
        return;
    }
    report("read through NULL");
}

/* The handler is still there for a second fault, and siglongjmp put back
 * the mask without SIGSEGV, so this one is not fatal. */
static void near_null_write(void)
{
    int *volatile pointer = (int *)16;
    if (sigsetjmp(back, 1) == 0) {
        *pointer = 1;
        printf("write to address 16 went through\n");
        return;
    }
    report("write to address 16");
}

static unsigned long descend(unsigned long depth)
{
    volatile char frame[1024];
    frame[0] = (char)depth;
    if (depth == (unsigned long)-1)
        return 0;
    return descend(depth + 1) + (unsigned long)frame[0];
}

/* Without the alternate stack the handler would have no stack to run on. */
static void stack_overflow(void)
{
    stack_t alt = {.ss_sp = alt_stack, .ss_size = ALT_STACK_SIZE};
    if (sigaltstack(&alt, NULL) != 0) {
        printf("sigaltstack: failed\n");
        return;
    }
    struct sigaction action = {.sa_sigaction = on_segv, .sa_flags = SA_SIGINFO | SA_ONSTACK};
    sigaction(SIGSEGV, &action, NULL);
    if (sigsetjmp(back, 1) == 0) {
        printf("recursion ended: %lu\n", descend(0));
        return;
    }
    uintptr_t base = (uintptr_t)alt_stack;
    int on_alt = handler_frame >= base && handler_frame < base + ALT_STACK_SIZE;
    printf("stack overflow: caught signal %d (%s), handler ran on the alternate stack: %s\n",
           fault_signo, fault_signo == SIGSEGV ? "SIGSEGV" : "not SIGSEGV", on_alt ? "yes" : "no");
    stack_t now;
    sigaltstack(NULL, &now);
    printf("after the jump the alternate stack is %s\n",
           now.ss_flags & SS_ONSTACK ? "still in use" : "free again");
}

int main(void)
{
    alt_stack = malloc(ALT_STACK_SIZE);
    struct sigaction action = {.sa_sigaction = on_segv, .sa_flags = SA_SIGINFO};
    sigemptyset(&action.sa_mask);
    sigaction(SIGSEGV, &action, NULL);
    null_read();
    near_null_write();
    stack_overflow();
    printf("%d faults caught, the program goes on\n", (int)faults);
    return faults == 3 ? 0 : 1;
}
