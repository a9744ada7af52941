#include "alarm.h"

#include <errno.h>
#include <string.h>

#include <kiln/abi.h>

#include "common/clock.h"
#include "common/report.h"
#include "hypercall_args.h"
#include "upcalls.h"

/* How soon to try again when the runtime was busy at the deadline. */
#define HELD_RETRY_NS 1000000

static void earliest(int64_t *when, int64_t candidate)
{
    if (candidate && (!*when || candidate < *when))
        *when = candidate;
}

/* The timer goes off at the first of the deadline, the next tick, and a
 * retry of a held upcall. */
static void rearm(struct vm *vm, int64_t now)
{
    int64_t when = 0;
    earliest(&when, vm->alarm_ns);
    earliest(&when, vm->tick_ns ? vm->next_tick_ns : 0);
    earliest(&when, vm->upcall_held ? clock_after_ns(now, HELD_RETRY_NS) : 0);
    struct itimerspec timer = {.it_value = {.tv_sec = when / NS_PER_S, .tv_nsec = when % NS_PER_S}};
    if (timer_settime(vm->alarm_timer, TIMER_ABSTIME, &timer, NULL) != 0) {
        report("%s: setting the guest's alarm: %s", vm->name, strerror(errno));
        vm_stop(vm, MONITOR_FAILED, 0);
    }
}

void alarm_call(struct vm *vm, uint32_t gpa)
{
    const struct kiln_hc_alarm *args =
        hypercall_args(vm, "ALARM", gpa, sizeof *args, _Alignof(struct kiln_hc_alarm));
    if (args == NULL)
        return;
    int64_t now = clock_ns(CLOCK_MONOTONIC);
    vm->alarm_ns = args->ns ? clock_after_ns(now, args->ns) : 0;
    if (args->tick_ns != vm->tick_ns)
        vm->next_tick_ns = args->tick_ns ? clock_after_ns(now, args->tick_ns) : 0;
    vm->tick_ns = args->tick_ns;
    rearm(vm, now);
}

void alarm_check(struct vm *vm)
{
    if (!vm->tick_ns && !vm->alarm_ns && !vm->upcall_held)
        return;
    int64_t now = clock_ns(CLOCK_MONOTONIC);
    bool due = vm->alarm_ns && now >= vm->alarm_ns;
    bool tick = vm->tick_ns && now >= vm->next_tick_ns;
    if (tick)
        vm->next_tick_ns = clock_after_ns(now, vm->tick_ns);
    struct kiln_events *events = upcall_events(vm);
    if (events == NULL)
        return;
    /* A held upcall the runtime took on its way out is done. */
    if (vm->upcall_held && !events->pending)
        vm->upcall_held = false;
    if (due || vm->upcall_held || (tick && events->ticks)) {
        enum upcall_result result = upcall_timer(vm);
        if (result == UPCALL_FAILED)
            return;
        vm->upcall_held = result == UPCALL_HELD;
        if (due)
            vm->alarm_ns = 0;
    }
    rearm(vm, now);
}

void alarm_upcall_soon(struct vm *vm)
{
    if (upcall_timer(vm) != UPCALL_HELD)
        return;
    vm->upcall_held = true;
    rearm(vm, clock_ns(CLOCK_MONOTONIC));
}

void alarm_reset(struct vm *vm)
{
    vm->alarm_ns = 0;
    vm->tick_ns = 0;
    vm->next_tick_ns = 0;
    vm->upcall_held = false;
    rearm(vm, 0);
}
