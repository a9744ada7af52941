/*
 * A VM with no KVM behind it, for the fuzz targets: guest RAM, stdio that
 * takes everything and has nothing to read, a deadline already past (so SLEEP and READ return at
 * once), serving (so READY is taken) but with no request (so FINISH refuses), two volumes on a
 * scratch folder with three handles open, --strace on (so SYSCALL prints each call): all that
 * the hypercall handlers and the exit dispatch touch.
 */
#ifndef KILN_FUZZ_FAKE_VM_H
#define KILN_FUZZ_FAKE_VM_H

#include <stddef.h>
#include <stdint.h>

#include "monitor/vm.h"

#define FAKE_VM_RAM (2ull << 20)

/* The one fake VM, ready for the next input; its RAM from KILN_IMAGE_BASE
 * holds bytes, cut to what fits. */
struct vm *fake_vm_reset(const uint8_t *bytes, size_t size);

#endif
