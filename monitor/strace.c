#include "strace.h"

#include <errno.h>

#include <kiln/abi.h>

#include "common/report.h"
#include "hypercall_args.h"
#include "strace_format.h"
#include "vm.h"

uint32_t strace_boot_flags(const struct strace *strace)
{
    if (strace == NULL)
        return 0;
    return strace->print_calls ? KILN_BOOT_STRACE : KILN_BOOT_ENOSYS;
}

static void count_missing(struct strace *strace, uint64_t nr)
{
    for (unsigned i = 0; i < strace->missing_count; i++) {
        if (strace->missing[i].nr == nr) {
            strace->missing[i].calls++;
            return;
        }
    }
    if (strace->missing_count < STRACE_MISSING_MAX)
        strace->missing[strace->missing_count++] = (struct strace_missing){nr, 1};
}

void strace_serve(struct vm *vm, uint32_t gpa)
{
    const struct kiln_hc_syscall *call = HYPERCALL_ARGS(vm, "SYSCALL", gpa, struct kiln_hc_syscall);
    if (call == NULL || vm->strace == NULL)
        return;
    if (call->result == -ENOSYS)
        count_missing(vm->strace, call->nr);
    if (!vm->strace->print_calls)
        return;
    struct report_text text;
    report_text_start_plain(&text);
    strace_format(&text, &vm->mem, call);
    report_text_write(&text);
}

void strace_print_missing(const struct strace *strace, const char *name)
{
    if (strace == NULL || strace->missing_count == 0)
        return;
    struct report_text text;
    report_text_start(&text, "%s: system calls kiln does not implement: ", name);
    for (unsigned i = 0; i < strace->missing_count; i++) {
        report_text_add(&text, "%s", i > 0 ? ", " : "");
        strace_format_name(&text, strace->missing[i].nr);
        report_text_add(&text, " (%u)", strace->missing[i].calls);
    }
    report_text_write(&text);
}
