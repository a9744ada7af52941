/*
 * Makes N system calls (argv[1], default 10000) two ways and times each:
 * getppid(), which musl makes as `mov $110, %eax; syscall`, the shape
 * kiln build rewrites to stay in ring 3, and syscall(SYS_getppid), whose
 * number comes in a register, so it still enters ring 0.  The second way
 * is what every call cost before the rewrite.
 *
 *   getppid_rate [N]  ->  "getppid: N calls in X ns (Y ns each)"
 *                         "syscall(SYS_getppid): N calls in X ns (Y ns each)"
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

static long by_syscall(void)
{
    return syscall(SYS_getppid);
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
    time_calls("syscall(SYS_getppid)", by_syscall, calls);
    return 0;
}
