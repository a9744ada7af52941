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
#include "trace.h"

/* What of guest RAM KVM has as memory slots (ram_backing.c). */
struct ram_backing {
    uint64_t low_end;    /* [0, low_end) is backed */
    uint64_t high_start; /* [high_start, RAM's end) is backed */
    uint32_t slots;
};

struct request_io;

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
    struct ram_backing backing;
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
    struct trace *trace;      /* NULL unless --trace-boot */
    const char *cache_dir;    /* the cache's root; NULL: none */
};

/* The fields every VM starts with, before vm_open(): no descriptors, the
 * process's own stdio, and a failure until its run says otherwise. */
#define VM_UNOPENED                                                                      \
    .kvm_fd = -1, .vm_fd = -1, .vcpu_fd = -1, .stdio = {0, 1, 2},                        \
    .result = {.outcome = MONITOR_FAILED}

/* Opens KVM and creates the VM, reserves its RAM (backed later, see
 * ram_backing.h) and creates its vCPU; reports failures. */
int vm_create(struct vm *vm, uint64_t mem_size);

/* The steps of vm_create(), for VMs whose RAM is not fresh and zero
 * (kiln serve's snapshots and clones, which back it with ram_back_all()). */
int vm_open(struct vm *vm);
int vm_create_vcpu(struct vm *vm);
void vm_destroy(struct vm *vm);

/* Ends the run with this outcome; the message, if any, is already out. */
void vm_stop(struct vm *vm, enum monitor_outcome outcome, int status);

/* Reports a guest crash in one line and ends the run. */
void vm_crash(struct vm *vm, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
