/*
 * Fuzzes one hypercall handler (FUZZ_CALL, a KILN_HC_* number): the input's
 * first 4 bytes are the argument block's address, the rest is guest RAM
 * from 1 MiB.  Any address, length or argument must end in an answer or a
 * one-line crash of the guest, never in a fault of the monitor.
 */
#include <string.h>

#include <kiln/abi.h>

#include "fake_vm.h"
#include "monitor/hypercalls.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint32_t gpa;
    if (size < sizeof gpa)
        return 0;
    memcpy(&gpa, data, sizeof gpa);
    struct vm *vm = fake_vm_reset(data + sizeof gpa, size - sizeof gpa);
    hypercall_serve(vm, FUZZ_CALL, gpa);
    return 0;
}
