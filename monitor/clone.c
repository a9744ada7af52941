#include "clone.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <x86intrin.h>

#include <kiln/abi.h>

#include "cpu.h"
#include "ram_backing.h"
#include "timeout.h"

#define BITS_PER_WORD 64

static int fail(const struct clone *clone, const char *what)
{
    fprintf(stderr, "kiln: %s: %s: %s\n", clone->vm.name, what, strerror(errno));
    return -1;
}

/* With manual protection, fetching the log does not re-protect pages;
 * the reset re-protects only the dirty ones (KVM_CLEAR_DIRTY_LOG). */
static int enable_manual_dirty_log(struct clone *clone)
{
    struct kvm_enable_cap cap = {
        .cap = KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2,
        .args = {KVM_DIRTY_LOG_MANUAL_PROTECT_ENABLE},
    };
    if (ioctl(clone->vm.vm_fd, KVM_ENABLE_CAP, &cap) != 0)
        return fail(clone, "enabling KVM's manual dirty log");
    return 0;
}

static int prepare_ram(struct clone *clone)
{
    struct vm *vm = &clone->vm;
    if (snapshot_map_ram(clone->snapshot, &vm->mem) != 0)
        return -1;
    uint64_t words = (vm->mem.size / KILN_PAGE_SIZE + BITS_PER_WORD - 1) / BITS_PER_WORD;
    clone->dirty = calloc(words, sizeof *clone->dirty);
    if (clone->dirty == NULL || guest_mem_track_writes(&vm->mem) != 0) {
        errno = ENOMEM;
        return fail(clone, "allocating the dirty page maps");
    }
    return ram_back_all(vm, KVM_MEM_LOG_DIRTY_PAGES);
}

int clone_create(struct clone *clone, const struct snapshot *snap, uint64_t timeout_ms)
{
    *clone = (struct clone){
        .vm = {
            VM_UNOPENED,
            .name = snap->name,
            .image = &snap->image.image,
            .stack_guard = snap->stack_guard,
            .timeout_ms = timeout_ms,
            .serving = true,
            .ready_args = snap->ready_args,
        },
        .snapshot = snap,
    };
    struct vm *vm = &clone->vm;
    if (vm_open(vm) != 0 || enable_manual_dirty_log(clone) != 0 || prepare_ram(clone) != 0 ||
        vm_create_vcpu(vm) != 0 || cpu_set_cpuid(vm) != 0 ||
        vcpu_state_load(vm, &snap->vcpu) != 0 || timeout_attach(vm) != 0) {
        clone_destroy(clone);
        return -1;
    }
    clone->tsc_offset = (int64_t)(cpu_guest_tsc(vm) - __rdtsc());
    return 0;
}

void clone_destroy(struct clone *clone)
{
    timeout_detach(&clone->vm);
    vm_destroy(&clone->vm);
    free(clone->dirty);
    clone->dirty = NULL;
}
