#include "hypercalls.h"

#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <kiln/abi.h>

#include "alarm.h"
#include "common/clock.h"
#include "crash.h"
#include "host_signals.h"
#include "hypercall_args.h"
#include "ram_backing.h"
#include "strace.h"
#include "volume_calls.h"

typedef void hypercall_fn(struct vm *vm, uint32_t gpa);

/* A buffer the call reads, or with for_write set, fills. */
static void *buffer_at(struct vm *vm, const char *call, uint64_t gpa, uint64_t len, bool for_write)
{
    return hypercall_range(vm, call, "buffer", gpa, len, for_write);
}

static void hc_write(struct vm *vm, uint32_t gpa)
{
    struct kiln_hc_io *args =
        hypercall_args(vm, "WRITE", gpa, sizeof *args, _Alignof(struct kiln_hc_io));
    if (args == NULL)
        return;
    struct kiln_hc_io io = *args;
    const uint8_t *buf = buffer_at(vm, "WRITE", io.buf, io.len, false);
    if (buf == NULL)
        return;
    if (io.fd != 1 && io.fd != 2)
        args->result = -EBADF;
    else
        args->result = vm->io.write(vm->io.context, io.fd, buf, io.len);
}

static void hc_read(struct vm *vm, uint32_t gpa)
{
    struct kiln_hc_io *args =
        hypercall_args(vm, "READ", gpa, sizeof *args, _Alignof(struct kiln_hc_io));
    if (args == NULL)
        return;
    struct kiln_hc_io io = *args;
    uint8_t *buf = buffer_at(vm, "READ", io.buf, io.len, true);
    if (buf == NULL)
        return;
    if (io.fd != 0) {
        args->result = -EBADF;
        return;
    }
    int64_t n = vm->io.read(vm->io.context, buf, io.len, vm->deadline_ns, host_signals_wake_fd(vm));
    if (n == GUEST_IO_TIMED_OUT) {
        vm_time_out(vm);
    } else if (n == GUEST_IO_WOKEN) {
        host_signals_take(vm);
        args->result = -EINTR;
    } else {
        args->result = n;
    }
}

static void hc_walltime(struct vm *vm, uint32_t gpa)
{
    struct kiln_hc_walltime *args =
        hypercall_args(vm, "WALLTIME", gpa, sizeof *args, _Alignof(struct kiln_hc_walltime));
    if (args == NULL)
        return;
    args->ns = clock_ns(CLOCK_REALTIME);
}

static void sleep_until(struct vm *vm, int64_t wake)
{
    if (vm->host_signals) {
        host_signals_sleep(vm, wake);
        return;
    }
    struct timespec until = {.tv_sec = wake / NS_PER_S, .tv_nsec = wake % NS_PER_S};
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL) == EINTR)
        continue;
}

/* Halts ns from now, or until stdin has input if asked; the run's own
 * time limit comes first, and a signal for the guest cuts it short.
 * What is ready then. */
static uint32_t halt(struct vm *vm, uint64_t ns, uint32_t flags)
{
    int64_t now = clock_ns(CLOCK_MONOTONIC);
    int64_t wake = clock_after_ns(now, ns);
    bool times_out = vm->deadline_ns != 0 && wake >= vm->deadline_ns;
    if (times_out)
        wake = vm->deadline_ns;
    if (flags & KILN_WAIT_STDIN) {
        if (vm->io.wait(vm->io.context, wake == INT64_MAX ? 0 : wake, host_signals_wake_fd(vm)) > 0)
            return KILN_WAIT_STDIN;
        host_signals_take(vm);
    } else {
        sleep_until(vm, wake);
    }
    if (times_out && clock_ns(CLOCK_MONOTONIC) >= vm->deadline_ns)
        vm_time_out(vm);
    return 0;
}

static void hc_sleep(struct vm *vm, uint32_t gpa)
{
    struct kiln_hc_sleep *args =
        hypercall_args(vm, "SLEEP", gpa, sizeof *args, _Alignof(struct kiln_hc_sleep));
    if (args != NULL)
        halt(vm, args->ns, 0);
}

static void hc_wait(struct vm *vm, uint32_t gpa)
{
    struct kiln_hc_wait *args =
        hypercall_args(vm, "WAIT", gpa, sizeof *args, _Alignof(struct kiln_hc_wait));
    if (args != NULL)
        args->ready = halt(vm, args->ns, args->flags);
}

/* Every thread waits on what nothing can bring: a hang becomes a report. */
static void hc_stuck(struct vm *vm, uint32_t gpa)
{
    const struct kiln_hc_stuck *args =
        hypercall_args(vm, "STUCK", gpa, sizeof *args, _Alignof(struct kiln_hc_stuck));
    if (args == NULL)
        return;
    struct kiln_hc_stuck stuck = *args;
    const char *text = buffer_at(vm, "STUCK", stuck.text, stuck.len, false);
    if (text == NULL)
        return;
    report("%s: %.*s; the guest was stopped", vm->name,
           (int)(stuck.len > INT32_MAX ? INT32_MAX : stuck.len), text);
    vm_stop(vm, MONITOR_STUCK, 0);
}

static void hc_exit(struct vm *vm, uint32_t gpa)
{
    struct kiln_hc_exit *args =
        hypercall_args(vm, "EXIT", gpa, sizeof *args, _Alignof(struct kiln_hc_exit));
    if (args != NULL)
        vm_stop(vm, MONITOR_EXITED, args->status & 0xff);
}

static void hc_abort(struct vm *vm, uint32_t gpa)
{
    const struct kiln_hc_abort *args =
        hypercall_args(vm, "ABORT", gpa, sizeof *args, _Alignof(struct kiln_hc_abort));
    if (args != NULL)
        crash_report_abort(vm, args);
}

static void hc_memory(struct vm *vm, uint32_t gpa)
{
    struct kiln_hc_memory *args =
        hypercall_args(vm, "MEMORY", gpa, sizeof *args, _Alignof(struct kiln_hc_memory));
    if (args == NULL)
        return;
    struct kiln_hc_memory range = *args;
    if (range.start > range.end || range.end > vm->mem.size) {
        vm_crash(vm, "MEMORY hypercall: range 0x%lx-0x%lx is not inside guest memory", range.start,
                 range.end);
        return;
    }
    if (ram_back(vm, range.start, range.end) != 0) {
        vm_stop(vm, MONITOR_FAILED, 0);
        return;
    }
    args->backed_low_end = vm->backing.low_end;
    args->backed_high_start = vm->backing.high_start;
}

/* kiln serve's snapshot point: the run pauses here, where the snapshot is
 * taken, and each request resumes it. */
static void hc_ready(struct vm *vm, uint32_t gpa)
{
    if (hypercall_args(vm, "READY", gpa, sizeof(struct kiln_hc_ready),
                       _Alignof(struct kiln_hc_ready)) == NULL)
        return;
    if (!vm->serving || vm->ready_args != 0) {
        vm_crash(vm, "READY hypercall %s", vm->serving ? "made twice" : "outside kiln serve");
        return;
    }
    vm->ready_args = gpa;
    vm->stopped = true;
}

/* EXIT with the function's last stdout bytes, only while serving a request. */
static void hc_finish(struct vm *vm, uint32_t gpa)
{
    struct kiln_hc_finish *args =
        hypercall_args(vm, "FINISH", gpa, sizeof *args, _Alignof(struct kiln_hc_finish));
    if (args == NULL)
        return;
    struct kiln_hc_finish finish = *args;
    const uint8_t *buf = buffer_at(vm, "FINISH", finish.buf, finish.len, false);
    if (buf == NULL)
        return;
    if (!vm->io.finishes) {
        vm_crash(vm, "FINISH hypercall outside a kiln serve request");
        return;
    }
    vm->io.write(vm->io.context, 1, buf, finish.len);
    vm_stop(vm, MONITOR_EXITED, finish.status & 0xff);
}

/* Every call, by number: its name (for traces) beside its handler, so that
 * a new call cannot have one without the other. */
static const struct {
    const char *name;
    hypercall_fn *serve;
} hypercalls[KILN_HC_COUNT] = {
    [KILN_HC_WRITE] = {"WRITE", hc_write},
    [KILN_HC_READ] = {"READ", hc_read},
    [KILN_HC_WALLTIME] = {"WALLTIME", hc_walltime},
    [KILN_HC_SLEEP] = {"SLEEP", hc_sleep},
    [KILN_HC_EXIT] = {"EXIT", hc_exit},
    [KILN_HC_ABORT] = {"ABORT", hc_abort},
    [KILN_HC_MEMORY] = {"MEMORY", hc_memory},
    [KILN_HC_READY] = {"READY", hc_ready},
    [KILN_HC_FINISH] = {"FINISH", hc_finish},
    [KILN_HC_OPEN] = {"OPEN", volume_call_open},
    [KILN_HC_CLOSE] = {"CLOSE", volume_call_close},
    [KILN_HC_PREAD] = {"PREAD", volume_call_pread},
    [KILN_HC_PWRITE] = {"PWRITE", volume_call_pwrite},
    [KILN_HC_STAT] = {"STAT", volume_call_stat},
    [KILN_HC_DIRENTS] = {"DIRENTS", volume_call_dirents},
    [KILN_HC_FILE] = {"FILE", volume_call_file},
    [KILN_HC_PATH] = {"PATH", volume_call_path},
    [KILN_HC_ALARM] = {"ALARM", alarm_call},
    [KILN_HC_WAIT] = {"WAIT", hc_wait},
    [KILN_HC_SYSCALL] = {"SYSCALL", strace_serve},
    [KILN_HC_STUCK] = {"STUCK", hc_stuck},
};

const char *hypercall_name(uint64_t nr)
{
    return nr < KILN_HC_COUNT ? hypercalls[nr].name : "unknown";
}

void hypercall_serve(struct vm *vm, uint64_t nr, uint32_t gpa)
{
    if (nr >= KILN_HC_COUNT) {
        vm_crash(vm, "unknown hypercall %lu (argument block 0x%x)", nr, gpa);
        return;
    }
    hypercalls[nr].serve(vm, gpa);
}
