#include "timeout.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/time.h>
#include <time.h>

#include "clock.h"

#define KERNEL_SIGSET_BYTES 8

static void ignore_alarm(int signo)
{
    (void)signo;
}

static int fail(const char *what)
{
    fprintf(stderr, "kiln: %s: %s\n", what, strerror(errno));
    return -1;
}

/* The vCPU runs with the monitor's signal mask minus SIGALRM. */
static int unblock_alarm_in_guest(const struct vm *vm, const sigset_t *blocked)
{
    sigset_t in_guest = *blocked;
    sigdelset(&in_guest, SIGALRM);
    struct {
        struct kvm_signal_mask header;
        uint8_t bits[KERNEL_SIGSET_BYTES];
    } mask = {.header.len = KERNEL_SIGSET_BYTES};
    memcpy(mask.bits, &in_guest, KERNEL_SIGSET_BYTES);
    if (ioctl(vm->vcpu_fd, KVM_SET_SIGNAL_MASK, &mask) != 0)
        return fail("KVM_SET_SIGNAL_MASK");
    return 0;
}

int timeout_arm(struct vm *vm)
{
    if (vm->timeout_ms == 0)
        return 0;
    struct sigaction action = {.sa_handler = ignore_alarm};
    sigset_t alarm_only, blocked;
    sigemptyset(&alarm_only);
    sigaddset(&alarm_only, SIGALRM);
    if (sigaction(SIGALRM, &action, NULL) != 0 ||
        sigprocmask(SIG_BLOCK, &alarm_only, &blocked) != 0)
        return fail("installing the timeout");
    sigaddset(&blocked, SIGALRM);
    if (unblock_alarm_in_guest(vm, &blocked) != 0)
        return -1;
    vm->deadline_ns = clock_ns(CLOCK_MONOTONIC) + (int64_t)vm->timeout_ms * NS_PER_MS;
    struct itimerval timer = {
        .it_value = {.tv_sec = (time_t)(vm->timeout_ms / 1000),
                     .tv_usec = (suseconds_t)(vm->timeout_ms % 1000 * 1000)},
    };
    if (setitimer(ITIMER_REAL, &timer, NULL) != 0)
        return fail("starting the timeout");
    return 0;
}

void timeout_disarm(struct vm *vm)
{
    if (vm->deadline_ns == 0)
        return;
    struct itimerval off = {0};
    setitimer(ITIMER_REAL, &off, NULL);
    sigset_t alarm_only;
    sigemptyset(&alarm_only);
    sigaddset(&alarm_only, SIGALRM);
    const struct timespec now = {0};
    while (sigtimedwait(&alarm_only, NULL, &now) == SIGALRM)
        continue;
    sigprocmask(SIG_UNBLOCK, &alarm_only, NULL);
    vm->deadline_ns = 0;
}

bool timeout_expired(const struct vm *vm)
{
    return vm->deadline_ns != 0 && clock_ns(CLOCK_MONOTONIC) >= vm->deadline_ns;
}

void timeout_stop(struct vm *vm)
{
    fprintf(stderr, "kiln: %s: timed out after %.3g s; the guest was stopped\n", vm->name,
            (double)vm->timeout_ms / 1000);
    vm_stop(vm, MONITOR_TIMED_OUT, 0);
}
