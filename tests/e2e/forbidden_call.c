/*
 * Preloaded into kiln-serve by serve_confined.bats: makes every thread
 * but the main one call getppid(), which a kiln serve worker's seccomp
 * filter forbids, whenever it sets a timer (a worker does as it starts a
 * job).  Stands in for a monitor bug a guest found, with nothing in kiln
 * itself for tests.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static pthread_t main_thread;

__attribute__((constructor)) static void remember_main_thread(void)
{
    main_thread = pthread_self();
}

int timer_settime(timer_t timer, int flags, const struct itimerspec *value, struct itimerspec *old)
{
    int (*real)(timer_t, int, const struct itimerspec *, struct itimerspec *) =
        (int (*)(timer_t, int, const struct itimerspec *, struct itimerspec *))dlsym(
            RTLD_NEXT, "timer_settime");
    if (!pthread_equal(pthread_self(), main_thread))
        syscall(SYS_getppid);
    return real(timer, flags, value, old);
}
