/*
 * Fuzzes the exit dispatch: the input's first 4 bytes are the exit
 * reason, the next EXIT_DETAIL_SIZE fill the exit's details (the MMIO
 * address, length and data of a doorbell ring, an I/O port, ...), the
 * rest is guest RAM from 1 MiB.  There is no vCPU: an exception report
 * finds its registers unreadable, as it must survive.
 */
#include <string.h>

#include "fake_vm.h"
#include "monitor/exits.h"

#define EXIT_DETAIL_SIZE 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct kvm_run run;
    if (size < sizeof run.exit_reason + EXIT_DETAIL_SIZE)
        return 0;
    memset(&run, 0, sizeof run);
    memcpy(&run.exit_reason, data, sizeof run.exit_reason);
    memcpy(run.padding, data + sizeof run.exit_reason, EXIT_DETAIL_SIZE);
    size_t used = sizeof run.exit_reason + EXIT_DETAIL_SIZE;
    struct vm *vm = fake_vm_reset(data + used, size - used);
    vm->run = &run;
    exits_serve(vm);
    return 0;
}
