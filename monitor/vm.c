#include "vm.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <kiln/abi.h>

#define KVM_DEVICE "/dev/kvm"

static int fail(const char *what, const char *why)
{
    fprintf(stderr, "kiln: %s: %s\n", what, why);
    return -1;
}

static int open_kvm(struct vm *vm)
{
    vm->kvm_fd = open(KVM_DEVICE, O_RDWR | O_CLOEXEC);
    if (vm->kvm_fd < 0)
        return fail(KVM_DEVICE, errno == ENOENT ? "not present: this machine has no KVM"
                                                : strerror(errno));
    if (ioctl(vm->kvm_fd, KVM_GET_API_VERSION, 0) != KVM_API_VERSION)
        return fail(KVM_DEVICE, "unsupported KVM API version");
    return 0;
}

int vm_create_vcpu(struct vm *vm)
{
    vm->vcpu_fd = ioctl(vm->vm_fd, KVM_CREATE_VCPU, 0);
    if (vm->vcpu_fd < 0)
        return fail("KVM_CREATE_VCPU", strerror(errno));
    int size = ioctl(vm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
    if (size <= 0)
        return fail("KVM_GET_VCPU_MMAP_SIZE", strerror(errno));
    vm->run_size = (size_t)size;
    vm->run = mmap(NULL, vm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vm->vcpu_fd, 0);
    if (vm->run == MAP_FAILED) {
        vm->run = NULL;
        return fail("mapping the vCPU", strerror(errno));
    }
    return 0;
}

int vm_open(struct vm *vm)
{
    if (open_kvm(vm) != 0)
        return -1;
    vm->vm_fd = ioctl(vm->kvm_fd, KVM_CREATE_VM, 0);
    if (vm->vm_fd < 0)
        return fail("KVM_CREATE_VM", strerror(errno));
    return 0;
}

int vm_create(struct vm *vm, uint64_t mem_size)
{
    if (vm_open(vm) != 0)
        return -1;
    int rc = guest_mem_map(&vm->mem, mem_size);
    if (rc != 0)
        return fail("reserving guest memory", strerror(-rc));
    trace_mark(vm->trace, TRACE_VM_CREATE);
    rc = vm_create_vcpu(vm);
    trace_mark(vm->trace, TRACE_VCPU_CREATE);
    return rc;
}

void vm_destroy(struct vm *vm)
{
    if (vm->run)
        munmap(vm->run, vm->run_size);
    if (vm->vcpu_fd >= 0)
        close(vm->vcpu_fd);
    if (vm->vm_fd >= 0)
        close(vm->vm_fd);
    if (vm->kvm_fd >= 0)
        close(vm->kvm_fd);
    guest_mem_unmap(&vm->mem);
    vm->run = NULL;
    vm->kvm_fd = vm->vm_fd = vm->vcpu_fd = -1;
}

void vm_stop(struct vm *vm, enum monitor_outcome outcome, int status)
{
    vm->stopped = true;
    vm->result = (struct monitor_result){.outcome = outcome, .status = status};
}

void vm_crash(struct vm *vm, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "kiln: %s: guest crashed: ", vm->name);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    vm_stop(vm, MONITOR_CRASHED, 0);
}
