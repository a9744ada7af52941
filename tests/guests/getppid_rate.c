/*
 * Makes N system calls (argv[1], default 10000) two ways and times each:
 * getppid(), whose SYSCALL kiln build rewrites to stay in ring 3, and a
 * SYSCALL it cannot rewrite (the instruction is a jump's target, with no
 * code before it to move), which enters the guest's ring 0 as every call
 * did before the rewrite.
 *
 *   getppid_rate [N]  ->  "getppid: N calls in X ns (Y ns each)"
 *                         "ring 0: N calls in X ns (Y ns each)"
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static long by_getppid(void)
{
    return getppid();
}

static long by_ring0(void)
{
    long result;
    __asm__ volatile("jmp 1f\n1: syscall"
                     : "=a"(result)
                     : "a"(SYS_getppid)
                     : "rcx", "r11", "memory");
    return result;
}

static void time_calls(const char *name, long (*call)(void), long calls)
{
    double start = now_ns();
    for (long n = 0; n < calls; n++)
        call();
    double ns = now_ns() - start;
    printf("%s: %ld calls in %.0f ns (%.0f ns each)\n", name, calls, ns, ns / (double)calls);
}

int main(int argc, char **argv)
{
    long calls = argc > 1 ? atol(argv[1]) : 10000;
    if (calls < 1) {
        fprintf(stderr, "usage: getppid_rate [CALLS]\n");
        return 2;
    }
    time_calls("getppid", by_getppid, calls);
    time_calls("ring 0", by_ring0, calls);
    return 0;
}
