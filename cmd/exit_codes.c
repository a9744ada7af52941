#include "exit_codes.h"

#define EXIT_STATUS_MASK 0xff

int exit_code_of_run(struct monitor_result result)
{
    switch (result.outcome) {
    case MONITOR_EXITED:
        return result.status & EXIT_STATUS_MASK;
    case MONITOR_CRASHED:
        return EXIT_CRASHED;
    case MONITOR_TIMED_OUT:
        return EXIT_TIMED_OUT;
    case MONITOR_FAILED:
    case MONITOR_STUCK:
        break;
    }
    return EXIT_CANNOT_RUN;
}
