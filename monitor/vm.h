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

#include "common/report.h"
#include "guest_io.h"
#include "guest_mem.h"
#include "monitor.h"
#include "trace.h"

/* What of guest RAM KVM has as memory slots (ram_backing.c). */
#define RAM_HOLE_PIECES 2048 /* 4 GiB of RAM in 2 MiB pieces */

struct ram_backing {
    uint64_t low_end;    /* [0, low_end) is backed, but for the hole */
    uint64_t high_start; /* [high_start, RAM's end) is backed */
    uint64_t hole_start; /* [hole_start, hole_end): the embedded files, */
    uint64_t hole_end;   /* backed a 2 MiB piece at a time */
    int hole_fd;         /* the image file: the hole's bytes from hole_file_offset */
    uint64_t hole_file_offset;
    uint64_t hole_backed[RAM_HOLE_PIECES / 64]; /* one bit per piece with a slot */
    uint32_t slots;
};

struct core_file;
struct image;
struct gdb_stub;
struct strace;
struct volumes;

struct vm {
    const char *name;          /* the image, for messages */
    const struct image *image; /* for naming code addresses in crash reports */
    int kvm_fd;
    bool owns_kvm_fd; /* opened for this VM, closed with it */
    int vm_fd;
    int vcpu_fd;
    struct kvm_run *run; /* the vCPU's shared exit page */
    size_t run_size;
    struct guest_mem mem;
    struct ram_backing backing;
    struct guest_io io;   /* the guest's fds 0, 1 and 2 */
    uint64_t stack_guard; /* guest-physical page below the stack */
    int64_t deadline_ns;  /* CLOCK_MONOTONIC when the guest's time is up; 0: never */
    uint64_t timeout_ms;
    timer_t timer; /* signals the thread that runs the vCPU */
    bool has_timer;
    /* The guest's ALARM (alarm.h): a second timer on the same thread. */
    timer_t alarm_timer;
    bool has_alarm_timer;
    int64_t alarm_ns; /* CLOCK_MONOTONIC when a timer upcall is due; 0: none */
    uint64_t tick_ns; /* 0: no ticks */
    int64_t next_tick_ns;
    bool upcall_held;    /* a timer upcall waits for the runtime to be free */
    bool serving;        /* kiln serve: the guest makes READY before main */
    uint32_t ready_args; /* READY's argument block, once the guest made it */
    bool stopped;
    struct monitor_result result;
    struct trace *trace;     /* NULL unless --trace-boot */
    struct strace *strace;   /* NULL unless --strace or --verbose */
    const char *cache_dir;   /* the cache's root; NULL: none */
    struct volumes *volumes; /* NULL: no volumes and no working folder */
    struct gdb_stub *gdb;    /* NULL unless kiln run --gdb (gdb_stub.h) */
    struct core_file *core;  /* NULL unless --dumpcore (core_file.h) */
    /* The signals sent to kiln that are the guest's (host_signals.h), bit
     * sig - 1 for signal sig, and a descriptor readable while one waits. */
    uint32_t host_signals;
    int signal_fd;
};

/* Where a VM's RAM comes from and how KVM has it. */
enum vm_ram {
    /* Zero, anonymous, handed to KVM as the guest grows (ram_backing.h):
     * kiln run. */
    VM_RAM_LAZY,
    /* Shared with ram_fd, which keeps what the guest wrote, all one slot:
     * a snapshot being taken. */
    VM_RAM_SHARED,
    /* The pages ram_present marks mapped copy-on-write from ram_fd, the
     * image's embedded files from image_fd, the rest zero, all one
     * dirty-logged slot that a reset reads: a clone. */
    VM_RAM_CLONED,
};

/* Everything a VM is made from. */
struct vm_config {
    const char *name;
    const struct image *image;
    uint64_t mem_size; /* bytes of guest RAM, checked against the image */
    enum vm_ram ram;
    int ram_fd;                  /* VM_RAM_SHARED and VM_RAM_CLONED */
    uint64_t ram_offset;         /* VM_RAM_CLONED: where guest-physical 0 lies in ram_fd */
    const uint64_t *ram_present; /* VM_RAM_CLONED: a bitmap of ram_fd's pages */
    int image_fd; /* VM_RAM_CLONED: the image file, whose embedded files ram_fd leaves out */
    struct guest_io io;
    uint64_t timeout_ms;            /* per run; 0: none */
    int kvm_fd;                     /* an open /dev/kvm to share; -1: open one */
    const struct kvm_cpuid2 *cpuid; /* the guest's CPUID; NULL: what KVM supports */
    const char *cache_dir;          /* the caches (CPUID, seccomp) to use; NULL: none */
    struct trace *trace;
    struct strace *strace;
    bool serving;                         /* READY is taken */
    uint32_t ready_args;                  /* a clone's: READY made already */
    const struct monitor_volume *volumes; /* host folders, opened here (volumes.h) */
    unsigned volume_count;
    const char *workdir;    /* the program's working folder; NULL: "/" */
    struct core_file *core; /* where a crash's core goes; NULL: nowhere */
};

/* The fields every VM starts with: no descriptors, and a failure until
 * its run says otherwise. */
#define VM_UNOPENED .kvm_fd = -1, .vm_fd = -1, .vcpu_fd = -1, .result = {.outcome = MONITOR_FAILED}

/* The guest-physical page below the stack of a guest with mem_size bytes:
 * nothing of the image may reach it. */
uint64_t vm_stack_guard(uint64_t mem_size);

/* Makes the one kind of VM there is, from config: KVM's VM, its RAM
 * (checked to hold the image), its vCPU with its CPUID, and the timer
 * for its time limit.  Call it on the thread that will run the VM (the
 * timer signals that thread).  The vCPU is then ready to be booted
 * (boot.h) or loaded (vcpu_state.h).  Reports failures; vm_destroy()
 * undoes what was done either way. */
int vm_create(struct vm *vm, const struct vm_config *config);

void vm_destroy(struct vm *vm);

/* Ends the run with this outcome; the message, if any, is already out. */
void vm_stop(struct vm *vm, enum monitor_outcome outcome, int status);

/* Reports that the guest ran past its time in one line and ends the run. */
void vm_time_out(struct vm *vm);

/* Reports a guest crash in one line and ends the run. */
void vm_crash(struct vm *vm, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A crash report of several lines: its first line, which says the same
 * as vm_crash() would; then what the caller adds; then vm_crash_end()
 * writes it whole and ends the run. */
void vm_crash_start(struct report_text *text, const struct vm *vm, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void vm_crash_end(struct vm *vm, struct report_text *text);

#endif
