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

#include "guest_mem.h"
#include "monitor.h"

struct image;

struct vm {
    const char *name;         /* the image, for messages */
    const struct image *image; /* for naming code addresses in crash reports */
    int kvm_fd;
    int vm_fd;
    int vcpu_fd;
    struct kvm_run *run;      /* the vCPU's shared exit page */
    size_t run_size;
    struct guest_mem mem;
    int stdio[3];             /* host fds behind the guest's 0, 1 and 2 */
    uint64_t stack_guard;     /* guest-physical page below the stack */
    int64_t deadline_ns;      /* CLOCK_MONOTONIC when the guest's time is up; 0: never */
    uint64_t timeout_ms;
    bool stopped;
    struct monitor_result result;
};

/* Opens KVM and creates the VM, its RAM and its vCPU; reports failures. */
int vm_create(struct vm *vm, uint64_t mem_size);
void vm_destroy(struct vm *vm);

/* Ends the run with this outcome; the message, if any, is already out. */
void vm_stop(struct vm *vm, enum monitor_outcome outcome, int status);

/* Reports a guest crash in one line and ends the run. */
void vm_crash(struct vm *vm, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
