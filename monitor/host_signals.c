#include "host_signals.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <kiln/abi.h>

#include "alarm.h"
#include "boot_info.h"
#include "common/clock.h"
#include "common/report.h"
#include "timeout.h"
#include "upcalls.h"

static const int forwarded[] = {SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2};

static uint32_t bit(int signo)
{
    return 1u << (signo - 1);
}

static sigset_t set_of(uint32_t bits)
{
    sigset_t set;
    sigemptyset(&set);
    for (size_t i = 0; i < sizeof forwarded / sizeof forwarded[0]; i++)
        if (bits & bit(forwarded[i]))
            sigaddset(&set, forwarded[i]);
    return set;
}

/* The kernel keeps a blocked signal pending even where it is ignored, so
 * one kiln's parent made it ignore is left alone. */
static uint32_t not_ignored(void)
{
    uint32_t bits = 0;
    for (size_t i = 0; i < sizeof forwarded / sizeof forwarded[0]; i++) {
        struct sigaction action;
        if (sigaction(forwarded[i], NULL, &action) == 0 && action.sa_handler != SIG_IGN)
            bits |= bit(forwarded[i]);
    }
    return bits;
}

int host_signals_attach(struct vm *vm)
{
    uint32_t bits = not_ignored();
    if (bits == 0)
        return 0;
    sigset_t set = set_of(bits);
    int rc = pthread_sigmask(SIG_BLOCK, &set, NULL);
    if (rc != 0)
        return report("%s: holding signals for the guest: %s", vm->name, strerror(rc));
    int fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
    if (fd < 0) {
        report("%s: signalfd: %s", vm->name, strerror(errno));
        pthread_sigmask(SIG_UNBLOCK, &set, NULL);
        return -1;
    }
    vm->host_signals = bits;
    vm->signal_fd = fd;
    if (timeout_unblock_in_guest(vm, &set) != 0)
        return -1;
    boot_info_add_flags(&vm->mem, KILN_BOOT_SIGNALS);
    return 0;
}

/* The signals pending now, taken. */
static uint32_t take_pending(const struct vm *vm)
{
    sigset_t set = set_of(vm->host_signals);
    const struct timespec now = {0};
    uint32_t bits = 0;
    int signo;
    while ((signo = sigtimedwait(&set, NULL, &now)) > 0)
        bits |= bit(signo);
    return bits;
}

void host_signals_detach(struct vm *vm)
{
    if (!vm->host_signals)
        return;
    close(vm->signal_fd);
    take_pending(vm);
    sigset_t set = set_of(vm->host_signals);
    pthread_sigmask(SIG_UNBLOCK, &set, NULL);
    vm->host_signals = 0;
    vm->signal_fd = -1;
}

int host_signals_wake_fd(const struct vm *vm)
{
    return vm->host_signals ? vm->signal_fd : -1;
}

/* Bits the runtime has not taken yet stay: a second signal adds its own,
 * and one that came twice is pending once, as on Linux. */
static void post(struct vm *vm, uint32_t bits)
{
    if (bits == 0 || vm->stopped)
        return;
    struct kiln_events *events = upcall_events(vm);
    if (events == NULL)
        return;
    events->host_signals |= bits;
    alarm_upcall_soon(vm);
}

void host_signals_take(struct vm *vm)
{
    if (vm->host_signals)
        post(vm, take_pending(vm));
}

void host_signals_sleep(struct vm *vm, int64_t until_ns)
{
    sigset_t set = set_of(vm->host_signals);
    for (;;) {
        int64_t left = until_ns - clock_ns(CLOCK_MONOTONIC);
        if (left <= 0)
            return;
        const struct timespec wait = {.tv_sec = left / NS_PER_S, .tv_nsec = left % NS_PER_S};
        int signo = sigtimedwait(&set, NULL, &wait);
        if (signo > 0) {
            post(vm, bit(signo) | take_pending(vm));
            return;
        }
        if (errno != EINTR)
            return;
    }
}
