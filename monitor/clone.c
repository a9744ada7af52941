#include "clone.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <x86intrin.h>

#include <kiln/abi.h>

#include "common/bits.h"
#include "common/report.h"
#include "cpu.h"

int clone_create(struct clone *clone, const struct snapshot *snap, struct guest_io io,
                 uint64_t timeout_ms, struct core_file *core)
{
    *clone = (struct clone){.snapshot = snap};
    const struct vm_config config = {
        .name = snap->name,
        .image = &snap->image.image,
        .mem_size = snap->mem_size,
        .ram = VM_RAM_CLONED,
        .ram_fd = snap->fd,
        .ram_offset = snap->mem_offset,
        .ram_present = snap->present,
        .image_fd = snap->image.fd,
        .io = io,
        .timeout_ms = timeout_ms,
        .kvm_fd = snap->kvm_fd,
        .cpuid = snap->cpuid,
        .cache_dir = snap->cache_dir,
        .serving = true,
        .ready_args = snap->ready_args,
        .core = core,
    };
    struct vm *vm = &clone->vm;
    int rc = vm_create(vm, &config);
    uint64_t pages = vm->mem.size / KILN_PAGE_SIZE;
    if (rc == 0 &&
        ((clone->dirty = bitmap_new(pages)) == NULL || (clone->copied = bitmap_new(pages)) == NULL))
        rc = report("%s: allocating the dirty page maps: %s", vm->name, strerror(ENOMEM));
    if (rc == 0)
        rc = vcpu_state_load(vm, &snap->vcpu);
    if (rc != 0) {
        clone_destroy(clone);
        return -1;
    }
    clone->tsc_offset = (int64_t)(cpu_guest_tsc(vm) - __rdtsc());
    return 0;
}

void clone_destroy(struct clone *clone)
{
    vm_destroy(&clone->vm);
    free(clone->dirty);
    free(clone->copied);
    clone->dirty = NULL;
    clone->copied = NULL;
}
