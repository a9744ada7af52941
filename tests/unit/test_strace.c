#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <errno.h>
#include <string.h>
#include <sys/syscall.h>

#include <kiln/abi.h>

#include "monitor/hypercalls.h"
#include "monitor/strace.h"

/* The SYSCALL hypercall: what it prints, what it counts for --verbose's
 * summary, and the boot flags that ask the runtime for it. */
#define RAM      (2ull << 20)
#define ARGS_GPA KILN_IMAGE_BASE

static struct vm vm;
static struct strace strace;

static void setup(void)
{
    cr_redirect_stderr();
    strace = (struct strace){0};
    vm = (struct vm){.name = "app.kiln", .io = guest_io_stdio(), .strace = &strace};
    cr_assert_eq(guest_mem_map(&vm.mem, RAM), 0);
}

static void teardown(void)
{
    guest_mem_unmap(&vm.mem);
}

TestSuite(strace, .init = setup, .fini = teardown);

static void report_call(uint64_t nr, int64_t result)
{
    struct kiln_hc_syscall *args = guest_mem_at(&vm.mem, ARGS_GPA, sizeof *args);
    *args = (struct kiln_hc_syscall){.nr = nr, .result = result, .tid = 1, .threads = 1};
    hypercall_serve(&vm, KILN_HC_SYSCALL, ARGS_GPA);
}

Test(strace, verbose_alone_asks_only_for_the_calls_answering_enosys)
{
    cr_assert_eq(strace_boot_flags(&strace), KILN_BOOT_ENOSYS);
    strace.print_calls = true;
    cr_assert_eq(strace_boot_flags(&strace), KILN_BOOT_STRACE);
    cr_assert_eq(strace_boot_flags(NULL), 0);
}

Test(strace, every_call_prints_one_line_with_strace_on)
{
    strace.print_calls = true;
    report_call(SYS_getpid, 1);
    report_call(SYS_fork, -ENOSYS);
    fflush(stderr);
    cr_assert_stderr_eq_str("getpid() = 1\nfork() = -1 ENOSYS (Function not implemented)\n");
}

Test(strace, the_summary_counts_each_unimplemented_call_in_the_order_first_made)
{
    report_call(SYS_fork, -ENOSYS);
    report_call(SYS_getpid, 1);
    report_call(SYS_execve, -ENOSYS);
    report_call(SYS_fork, -ENOSYS);
    report_call(999, -ENOSYS);
    strace_print_missing(&strace, "app.kiln");
    fflush(stderr);
    cr_assert_stderr_eq_str("kiln: app.kiln: system calls kiln does not implement: fork (2), "
                            "execve (1), syscall_0x3e7 (1)\n");
}

Test(strace, no_summary_when_every_call_was_implemented)
{
    report_call(SYS_getpid, 1);
    strace_print_missing(&strace, "app.kiln");
    fflush(stderr);
    cr_assert_stderr_eq_str("");
}

Test(strace, a_vm_that_did_not_ask_ignores_the_call)
{
    vm.strace = NULL;
    report_call(SYS_fork, -ENOSYS);
    fflush(stderr);
    cr_assert_not(vm.stopped);
    cr_assert_stderr_eq_str("");
}

Test(strace, an_argument_block_outside_ram_is_a_crash)
{
    hypercall_serve(&vm, KILN_HC_SYSCALL, RAM);
    fflush(stderr);
    cr_assert(vm.stopped);
    cr_assert_stderr_eq_str("kiln: app.kiln: guest crashed: SYSCALL hypercall: argument block at "
                            "0x200000 (72 bytes) is outside guest memory\n");
}
