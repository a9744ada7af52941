#include <criterion/criterion.h>

#include "cmd/exit_codes.h"

static int code_of(enum monitor_outcome outcome, int status)
{
    return exit_code_of_run((struct monitor_result){.outcome = outcome, .status = status});
}

Test(exit_codes, exited_guest_passes_its_status_through)
{
    cr_assert_eq(code_of(MONITOR_EXITED, 0), 0);
    cr_assert_eq(code_of(MONITOR_EXITED, 42), 42);
    cr_assert_eq(code_of(MONITOR_EXITED, 255), 255);
}

Test(exit_codes, exited_status_keeps_its_low_8_bits)
{
    cr_assert_eq(code_of(MONITOR_EXITED, 256 + 3), 3);
}

Test(exit_codes, timeout_is_124)
{
    cr_assert_eq(code_of(MONITOR_TIMED_OUT, 0), 124);
}

Test(exit_codes, failure_to_run_is_125)
{
    cr_assert_eq(code_of(MONITOR_FAILED, 0), 125);
}

Test(exit_codes, crash_is_126)
{
    cr_assert_eq(code_of(MONITOR_CRASHED, 0), 126);
}
