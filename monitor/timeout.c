#include "timeout.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/report.h"

#define KERNEL_SIGSET_BYTES 8

static void ignore_alarm(int signo)
{
    (void)signo;
}

static sigset_t alarm_only(void)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGALRM);
    return set;
}

int timeout_unblock_in_guest(const struct vm *vm, const sigset_t *also)
{
    sigset_t in_guest;
    int rc = pthread_sigmask(SIG_BLOCK, NULL, &in_guest);
    if (rc != 0)
        return report("reading the signal mask: %s", strerror(rc));
    sigdelset(&in_guest, SIGALRM);
    for (int signo = 1; also != NULL && signo < NSIG; signo++)
        if (sigismember(also, signo))
            sigdelset(&in_guest, signo);
    struct {
        struct kvm_signal_mask header;
        uint8_t bits[KERNEL_SIGSET_BYTES];
    } mask = {.header.len = KERNEL_SIGSET_BYTES};
    memcpy(mask.bits, &in_guest, KERNEL_SIGSET_BYTES);
    if (ioctl(vm->vcpu_fd, KVM_SET_SIGNAL_MASK, &mask) != 0)
        return report("KVM_SET_SIGNAL_MASK: %s", strerror(errno));
    return 0;
}

/* A CLOCK_MONOTONIC timer whose SIGALRM goes to the calling thread only,
 * so that it ends the thread's KVM_RUN.  glibc 2.36 has no name for the
 * thread id field of struct sigevent. */
static int thread_timer(timer_t *timer, const char *what)
{
    struct sigevent event = {.sigev_notify = SIGEV_THREAD_ID, .sigev_signo = SIGALRM};
    event._sigev_un._tid = gettid();
    if (timer_create(CLOCK_MONOTONIC, &event, timer) != 0)
        return report("creating the %s's timer: %s", what, strerror(errno));
    return 0;
}

int timeout_attach(struct vm *vm)
{
    struct sigaction action = {.sa_handler = ignore_alarm};
    sigset_t alarm = alarm_only();
    if (sigaction(SIGALRM, &action, NULL) != 0)
        return report("installing the timeout: %s", strerror(errno));
    int rc = pthread_sigmask(SIG_BLOCK, &alarm, NULL);
    if (rc != 0)
        return report("installing the timeout: %s", strerror(rc));
    if (timeout_unblock_in_guest(vm, NULL) != 0)
        return -1;
    if (thread_timer(&vm->timer, "timeout") != 0)
        return -1;
    vm->has_timer = true;
    if (thread_timer(&vm->alarm_timer, "guest's alarm") != 0)
        return -1;
    vm->has_alarm_timer = true;
    return 0;
}

void timeout_detach(struct vm *vm)
{
    timeout_cancel(vm);
    if (vm->has_alarm_timer)
        timer_delete(vm->alarm_timer);
    vm->has_alarm_timer = false;
    if (!vm->has_timer)
        return;
    timer_delete(vm->timer);
    vm->has_timer = false;
    sigset_t alarm = alarm_only();
    pthread_sigmask(SIG_UNBLOCK, &alarm, NULL);
}

int timeout_start(struct vm *vm)
{
    if (vm->timeout_ms == 0)
        return 0;
    vm->deadline_ns = clock_ns(CLOCK_MONOTONIC) + (int64_t)vm->timeout_ms * NS_PER_MS;
    struct itimerspec timer = {
        .it_value = {.tv_sec = (time_t)(vm->timeout_ms / MS_PER_S),
                     .tv_nsec = (long)(vm->timeout_ms % MS_PER_S * NS_PER_MS)},
    };
    if (timer_settime(vm->timer, 0, &timer, NULL) != 0)
        return report("starting the timeout: %s", strerror(errno));
    return 0;
}

void timeout_take_signals(void)
{
    sigset_t alarm = alarm_only();
    const struct timespec now = {0};
    while (sigtimedwait(&alarm, NULL, &now) == SIGALRM)
        continue;
}

void timeout_cancel(struct vm *vm)
{
    if (vm->deadline_ns == 0)
        return;
    const struct itimerspec off = {0};
    timer_settime(vm->timer, 0, &off, NULL);
    timeout_take_signals();
    vm->deadline_ns = 0;
}

bool timeout_expired(const struct vm *vm)
{
    return vm->deadline_ns != 0 && clock_ns(CLOCK_MONOTONIC) >= vm->deadline_ns;
}
