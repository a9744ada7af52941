/*
 * The one VM constructor.  kiln run, the snapshot kiln serve takes of a
 * function and every clone of that snapshot are made here, from a config,
 * so that each gets the same checks and caches.
 */
#include "vm.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <kiln/abi.h>

#include "common/clock.h"
#include "common/report.h"
#include "core_file.h"
#include "cpuid_cache.h"
#include "host_signals.h"
#include "image.h"
#include "kvm_device.h"
#include "ram_backing.h"
#include "timeout.h"
#include "volumes.h"

uint64_t vm_stack_guard(uint64_t mem_size)
{
    return mem_size - KILN_STACK_SIZE - KILN_PAGE_SIZE;
}

/* Everything about a guest's memory that can be wrong (its size, an image
 * that reaches the stack), found before any VM exists. */
static int check_memory(const struct image *image, uint64_t mem_size)
{
    if (mem_size < KILN_MEM_MIN || mem_size > KILN_MEM_MAX || mem_size % KILN_MEM_ALIGN != 0)
        return report("%s: guest memory of %lu bytes is not a 2 MiB multiple between 16 MiB "
                      "and 4 GiB",
                      image->name, mem_size);
    return image_check_fits(image, vm_stack_guard(mem_size));
}

static int open_vm(struct vm *vm, int kvm_fd)
{
    vm->owns_kvm_fd = kvm_fd < 0;
    vm->kvm_fd = kvm_fd < 0 ? kvm_device_open() : kvm_fd;
    if (vm->kvm_fd < 0)
        return -1;
    vm->vm_fd = ioctl(vm->kvm_fd, KVM_CREATE_VM, 0);
    if (vm->vm_fd < 0)
        return report("KVM_CREATE_VM: %s", strerror(errno));
    return 0;
}

/* With manual protection, fetching the log does not re-protect pages;
 * a reset re-protects only the dirty ones (KVM_CLEAR_DIRTY_LOG). */
static int enable_manual_dirty_log(const struct vm *vm)
{
    struct kvm_enable_cap cap = {
        .cap = KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2,
        .args = {KVM_DIRTY_LOG_MANUAL_PROTECT_ENABLE},
    };
    if (ioctl(vm->vm_fd, KVM_ENABLE_CAP, &cap) != 0)
        return report("%s: enabling KVM's manual dirty log: %s", vm->name, strerror(errno));
    return 0;
}

/* A clone's RAM: the snapshot's pages copy-on-write, the others
 * anonymous, so that pages the snapshot never had cost nothing shared;
 * the embedded files, which the snapshot mapped from the image file and
 * so never held, mapped from there again.  The monitor's writes to it are
 * noted for the reset. */
static int map_cloned_ram(struct vm *vm, const struct vm_config *config)
{
    const struct image *image = config->image;
    int rc = guest_mem_map(&vm->mem, config->mem_size);
    if (rc == 0)
        rc = guest_mem_map_pages(&vm->mem, config->ram_fd, config->ram_offset, config->ram_present);
    if (rc == 0)
        rc = image_files_map(&image->files, &vm->mem, config->image_fd, image->size);
    if (rc == 0)
        rc = guest_mem_track_writes(&vm->mem);
    return rc;
}

static int map_ram(struct vm *vm, const struct vm_config *config)
{
    int rc;
    switch (config->ram) {
    case VM_RAM_LAZY:
        rc = guest_mem_map(&vm->mem, config->mem_size);
        break;
    case VM_RAM_SHARED:
        rc = guest_mem_map_shared(&vm->mem, config->ram_fd, config->mem_size);
        break;
    case VM_RAM_CLONED:
        rc = map_cloned_ram(vm, config);
        break;
    default:
        rc = -EINVAL;
    }
    if (rc != 0)
        return report("%s: reserving guest memory: %s", vm->name, strerror(-rc));
    trace_mark(vm->trace, TRACE_VM_CREATE);
    return 0;
}

/* Lazy RAM is backed as the guest boots and grows; the rest is one slot
 * from the start, dirty-logged for a clone's resets. */
static int back_ram(struct vm *vm, enum vm_ram ram)
{
    if (ram == VM_RAM_LAZY)
        return 0;
    if (ram == VM_RAM_CLONED && enable_manual_dirty_log(vm) != 0)
        return -1;
    return ram_back_all(vm, ram == VM_RAM_CLONED ? KVM_MEM_LOG_DIRTY_PAGES : 0);
}

static int create_vcpu(struct vm *vm)
{
    vm->vcpu_fd = ioctl(vm->vm_fd, KVM_CREATE_VCPU, 0);
    if (vm->vcpu_fd < 0)
        return report("KVM_CREATE_VCPU: %s", strerror(errno));
    int size = ioctl(vm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
    if (size <= 0)
        return report("KVM_GET_VCPU_MMAP_SIZE: %s", strerror(errno));
    vm->run_size = (size_t)size;
    vm->run = mmap(NULL, vm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vm->vcpu_fd, 0);
    if (vm->run == MAP_FAILED) {
        vm->run = NULL;
        return report("mapping the vCPU: %s", strerror(errno));
    }
    trace_mark(vm->trace, TRACE_VCPU_CREATE);
    return 0;
}

/* Newer kernels check CR4 bits against the CPUID, so it comes before any
 * special register is set. */
static int set_cpuid(struct vm *vm, const struct kvm_cpuid2 *given)
{
    struct kvm_cpuid2 *supported = given ? NULL : cpuid_supported(vm->kvm_fd, vm->cache_dir);
    const struct kvm_cpuid2 *cpuid = given ? given : supported;
    if (cpuid == NULL)
        return -1;
    int rc = ioctl(vm->vcpu_fd, KVM_SET_CPUID2, cpuid) == 0
                 ? 0
                 : report("KVM_SET_CPUID2: %s", strerror(errno));
    free(supported);
    trace_mark(vm->trace, TRACE_CPUID);
    return rc;
}

int vm_create(struct vm *vm, const struct vm_config *config)
{
    *vm = (struct vm){
        VM_UNOPENED,
        .name = config->name,
        .image = config->image,
        .io = config->io,
        .stack_guard = vm_stack_guard(config->mem_size),
        .timeout_ms = config->timeout_ms,
        .serving = config->serving,
        .ready_args = config->ready_args,
        .trace = config->trace,
        .strace = config->strace,
        .cache_dir = config->cache_dir,
        .core = config->core,
    };
    if (check_memory(config->image, config->mem_size) != 0 ||
        volumes_open(&vm->volumes, config->volumes, config->volume_count, config->workdir) != 0 ||
        open_vm(vm, config->kvm_fd) != 0 || map_ram(vm, config) != 0 ||
        back_ram(vm, config->ram) != 0 || create_vcpu(vm) != 0 || set_cpuid(vm, config->cpuid) != 0)
        return -1;
    return timeout_attach(vm);
}

void vm_destroy(struct vm *vm)
{
    host_signals_detach(vm);
    timeout_detach(vm);
    if (vm->run)
        munmap(vm->run, vm->run_size);
    if (vm->vcpu_fd >= 0)
        close(vm->vcpu_fd);
    if (vm->vm_fd >= 0)
        close(vm->vm_fd);
    if (vm->owns_kvm_fd && vm->kvm_fd >= 0)
        close(vm->kvm_fd);
    guest_mem_unmap(&vm->mem);
    volumes_close(vm->volumes);
    vm->volumes = NULL;
    vm->run = NULL;
    vm->kvm_fd = vm->vm_fd = vm->vcpu_fd = -1;
}

void vm_stop(struct vm *vm, enum monitor_outcome outcome, int status)
{
    vm->stopped = true;
    vm->result = (struct monitor_result){.outcome = outcome, .status = status};
}

void vm_time_out(struct vm *vm)
{
    struct report_text text;
    report_text_start(&text, "%s: timed out after %.3g s; the guest was stopped", vm->name,
                      (double)vm->timeout_ms / MS_PER_S);
    core_file_dump_vcpu(vm, SIGALRM, &text);
    report_text_write(&text);
    vm_stop(vm, MONITOR_TIMED_OUT, 0);
}

static void crash_start_v(struct report_text *text, const struct vm *vm, const char *fmt,
                          va_list ap)
{
    char what[REPORT_MAX];
    vsnprintf(what, sizeof what, fmt, ap);
    report_text_start(text, "%s: guest crashed: %s", vm->name, what);
}

void vm_crash_start(struct report_text *text, const struct vm *vm, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    crash_start_v(text, vm, fmt, ap);
    va_end(ap);
}

void vm_crash_end(struct vm *vm, struct report_text *text)
{
    report_text_write(text);
    vm_stop(vm, MONITOR_CRASHED, 0);
}

void vm_crash(struct vm *vm, const char *fmt, ...)
{
    struct report_text text;
    va_list ap;
    va_start(ap, fmt);
    crash_start_v(&text, vm, fmt, ap);
    va_end(ap);
    core_file_dump_vcpu(vm, SIGSEGV, &text);
    vm_crash_end(vm, &text);
}
