#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <string.h>

#include <kiln/abi.h>

#include "monitor/exits.h"

/* Exits a guest cannot be made to cause at will: each must end the run in
 * one line, never take the monitor down. */
#define RAM      (2ull << 20)
#define ARGS_GPA KILN_IMAGE_BASE

static struct kvm_run run;
static struct vm vm;

static void setup(void)
{
    cr_redirect_stderr();
    memset(&run, 0, sizeof run);
    vm = (struct vm){.name = "app.kiln", .run = &run, .io = guest_io_stdio()};
    cr_assert_eq(guest_mem_map(&vm.mem, RAM), 0);
}

static void teardown(void)
{
    guest_mem_unmap(&vm.mem);
}

static void serve(uint32_t reason, enum monitor_outcome outcome, const char *line)
{
    run.exit_reason = reason;
    exits_serve(&vm);
    cr_assert(vm.stopped);
    cr_assert_eq(vm.result.outcome, outcome);
    fflush(stderr);
    cr_assert_stderr_eq_str(line);
}

static void ring_doorbell(uint64_t offset, uint32_t len, uint32_t gpa)
{
    run.mmio.phys_addr = KILN_DOORBELL_GPA + offset;
    run.mmio.len = len;
    run.mmio.is_write = 1;
    memcpy(run.mmio.data, &gpa, sizeof gpa);
}

TestSuite(exits, .init = setup, .fini = teardown);

Test(exits, a_triple_fault_is_a_crash)
{
    serve(KVM_EXIT_SHUTDOWN, MONITOR_CRASHED,
          "kiln: app.kiln: guest crashed: triple fault (the guest reset itself)\n");
}

Test(exits, an_internal_error_is_a_crash)
{
    run.internal.suberror = KVM_INTERNAL_ERROR_EMULATION;
    serve(KVM_EXIT_INTERNAL_ERROR, MONITOR_CRASHED,
          "kiln: app.kiln: guest crashed: KVM could not run the guest further (internal error, "
          "suberror 1)\n");
}

Test(exits, a_failed_entry_is_kiln_failing)
{
    run.fail_entry.hardware_entry_failure_reason = 0x21;
    serve(KVM_EXIT_FAIL_ENTRY, MONITOR_FAILED,
          "kiln: app.kiln: KVM refused to enter the guest (hardware reason 0x21)\n");
}

Test(exits, a_halt_at_ring_0_is_a_crash)
{
    serve(KVM_EXIT_HLT, MONITOR_CRASHED, "kiln: app.kiln: guest crashed: halted at ring 0\n");
}

Test(exits, an_exit_kiln_never_asks_for_is_a_crash)
{
    serve(KVM_EXIT_DEBUG, MONITOR_CRASHED,
          "kiln: app.kiln: guest crashed: unexpected KVM exit reason 4\n");
}

Test(exits, port_io_other_than_the_exception_port_is_a_crash)
{
    run.io.direction = KVM_EXIT_IO_OUT;
    run.io.size = 2;
    run.io.port = 0x3f8;
    serve(KVM_EXIT_IO, MONITOR_CRASHED,
          "kiln: app.kiln: guest crashed: a 2-byte out on port 0x3f8, which kiln does not serve\n");
}

Test(exits, mmio_outside_the_doorbell_is_a_crash)
{
    run.mmio.phys_addr = RAM + KILN_PAGE_SIZE;
    serve(
        KVM_EXIT_MMIO, MONITOR_CRASHED,
        "kiln: app.kiln: guest crashed: access to 0x201000, memory the program never allocated\n");
}

Test(exits, a_doorbell_write_serves_the_call)
{
    struct kiln_hc_exit *args = guest_mem_at(&vm.mem, ARGS_GPA, sizeof *args);
    args->status = 7;
    ring_doorbell(KILN_HC_EXIT * KILN_DOORBELL_SLOT, KILN_DOORBELL_SLOT, ARGS_GPA);
    serve(KVM_EXIT_MMIO, MONITOR_EXITED, "");
    cr_assert_eq(vm.result.status, 7);
}

Test(exits, a_misaligned_doorbell_write_is_a_crash)
{
    ring_doorbell(1, KILN_DOORBELL_SLOT, ARGS_GPA);
    serve(KVM_EXIT_MMIO, MONITOR_CRASHED,
          "kiln: app.kiln: guest crashed: malformed doorbell access at 0x100000001: a 4-byte write "
          "(a call is an aligned 4-byte write)\n");
}

Test(exits, a_misaligned_argument_block_is_a_crash)
{
    ring_doorbell(KILN_HC_EXIT * KILN_DOORBELL_SLOT, KILN_DOORBELL_SLOT, ARGS_GPA + 1);
    serve(KVM_EXIT_MMIO, MONITOR_CRASHED,
          "kiln: app.kiln: guest crashed: EXIT hypercall: argument block at 0x100001 is not "
          "4-byte aligned\n");
}
