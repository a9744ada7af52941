/* Integer division faults delivered to a SIGFPE handler, which jumps back
 * out: x / 0, and INT_MIN / -1 (x86 raises the same #DE for both). */
#define _GNU_SOURCE
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>

static sigjmp_buf back;
static volatile sig_atomic_t faults;
static volatile int fault_signo, fault_code;
static void *volatile fault_address;

static void on_fpe(int signo, siginfo_t *info, void *context)
{
    (void)signo;
    (void)context;
    faults++;
    fault_signo = info->si_signo;
    fault_code = info->si_code;
    fault_address = info->si_addr;
    siglongjmp(back, 1);
}

static void divide(const char *what, int dividend, int divisor)
{
    volatile int a = dividend, b = divisor;
    if (sigsetjmp(back, 1) == 0) {
        printf("%s = %d\n", what, a / b);
        return;
    }
    printf("%s: caught signal %d (%s), %s, si_addr %s\n", what, fault_signo,
           fault_signo == SIGFPE ? "SIGFPE" : "not SIGFPE",
           fault_code == FPE_INTDIV ? "FPE_INTDIV" : "another si_code",
           fault_address != NULL ? "the faulting instruction" : "NULL");
}

int main(void)
{
    struct sigaction action = {.sa_sigaction = on_fpe, .sa_flags = SA_SIGINFO};
    sigemptyset(&action.sa_mask);
    sigaction(SIGFPE, &action, NULL);
    divide("7 / 0", 7, 0);
    divide("INT_MIN / -1", INT_MIN, -1);
    divide("7 / 2", 7, 2);
    printf("%d faults caught, the program goes on\n", (int)faults);
    return faults == 2 ? 0 : 1;
}
