/*
 * One VM with one vCPU and one slot of RAM: what every part of the monitor
 * past image checking works on.
 */
#ifndef KILN_VM_H
#define KILN_VM_H

#include <linux/kvm.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "guest_mem.h"
#include "monitor.h"

struct request_io;

struct vm {
    const char *name;         /* the image, for messages */
    int kvm_fd;
    int vm_fd;
    int vcpu_fd;
    struct kvm_run *run;      /* the vCPU's shared exit page */
    size_t run_size;
    struct guest_mem mem;
    int stdio[3];             /* host fds behind the guest's 0, 1 and 2 */
    struct request_io *request_io; /* kiln serve: one request's 0, 1, 2 instead */
    uint64_t stack_guard;     /* guest-physical page below the stack */
    int64_t deadline_ns;      /* CLOCK_MONOTONIC when the guest's time is up; 0: never */
    uint64_t timeout_ms;
    timer_t timer;            /* signals the thread that runs the vCPU */
    bool has_timer;
    bool serving;             /* kiln serve: the guest makes READY before main */
    uint32_t ready_args;      /* READY's argument block, once the guest made it */
    bool stopped;
    struct monitor_result result;
};

/* Refuses (reported) a RAM size that is not a 2 MiB multiple in 16 MiB-4 GiB. */
int vm_check_mem_size(const char *name, uint64_t size);

/* Opens KVM and creates the VM, its RAM and its vCPU; reports failures. */
int vm_create(struct vm *vm, uint64_t mem_size);

/* The steps of vm_create(), for VMs whose RAM is not fresh and zero:
 * vm_set_ram() hands vm->mem to KVM as slot 0 with KVM_MEM_* flags. */
int vm_open(struct vm *vm);
int vm_set_ram(struct vm *vm, uint32_t flags);
int vm_create_vcpu(struct vm *vm);
void vm_destroy(struct vm *vm);

/* Ends the run with this outcome; the message, if any, is already out. */
void vm_stop(struct vm *vm, enum monitor_outcome outcome, int status);

/* Reports a guest crash in one line and ends the run. */
void vm_crash(struct vm *vm, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
