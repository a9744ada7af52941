/*
 * Thin wrappers over kiln_hypercall: each fills the call's argument struct
 * on the stack (always below 4 GiB, as the doorbell needs) and returns the
 * monitor's answer.
 */
#ifndef KILN_RUNTIME_HYPERCALL_H
#define KILN_RUNTIME_HYPERCALL_H

#include <errno.h>
#include <kiln/abi.h>
#include <stdint.h>

static inline uint32_t hypercall_gpa(const void *args)
{
    return (uint32_t)(uintptr_t)args;
}

/* Bytes written, or -errno.  -EIO stays if the monitor does not answer. */
static inline int64_t hypercall_write(uint32_t fd, const void *buf, uint64_t len)
{
    struct kiln_hc_io args = {
        .fd = fd, .buf = (uint64_t)(uintptr_t)buf, .len = len, .result = -EIO};
    kiln_hypercall(KILN_HC_WRITE, hypercall_gpa(&args));
    return args.result;
}

/* Bytes read (0 at end of input), or -errno. */
static inline int64_t hypercall_read(uint32_t fd, void *buf, uint64_t len)
{
    struct kiln_hc_io args = {
        .fd = fd, .buf = (uint64_t)(uintptr_t)buf, .len = len, .result = -EIO};
    kiln_hypercall(KILN_HC_READ, hypercall_gpa(&args));
    return args.result;
}

/* The host's CLOCK_REALTIME in nanoseconds. */
static inline int64_t hypercall_walltime(void)
{
    struct kiln_hc_walltime args = {.ns = 0};
    kiln_hypercall(KILN_HC_WALLTIME, hypercall_gpa(&args));
    return args.ns;
}

/* kiln serve's snapshot point: returns once per request, 0 with the
 * request's environment in block (see struct kiln_hc_ready), or -errno. */
static inline int64_t hypercall_ready(void *block, uint64_t size)
{
    struct kiln_hc_ready args = {.block = (uint64_t)(uintptr_t)block, .size = size, .result = -EIO};
    kiln_hypercall(KILN_HC_READY, hypercall_gpa(&args));
    return args.result;
}

/* Backs [start, end) and returns what is backed now; the monitor ends the
 * run rather than return having failed. */
static inline struct kiln_hc_memory hypercall_memory(uint64_t start, uint64_t end)
{
    struct kiln_hc_memory args = {.start = start, .end = end};
    kiln_hypercall(KILN_HC_MEMORY, hypercall_gpa(&args));
    return args;
}

/* The monitor ends the run here; spin should the call ever return. */
static inline _Noreturn void hypercall_exit(int32_t status)
{
    struct kiln_hc_exit args = {.status = status};
    for (;;)
        kiln_hypercall(KILN_HC_EXIT, hypercall_gpa(&args));
}

/* kiln serve's EXIT, with the last stdout bytes; spins like EXIT. */
static inline _Noreturn void hypercall_finish(int32_t status, const void *buf, uint64_t len)
{
    struct kiln_hc_finish args = {.status = status, .buf = (uint64_t)(uintptr_t)buf, .len = len};
    for (;;)
        kiln_hypercall(KILN_HC_FINISH, hypercall_gpa(&args));
}

/* Volumes (kiln/abi.h).  OPEN: a handle, or -errno. */
static inline int64_t hypercall_open(uint32_t volume, const char *path, uint64_t path_len,
                                     uint32_t flags, uint32_t mode)
{
    struct kiln_hc_open args = {.volume = volume,
                                .flags = flags,
                                .mode = mode,
                                .path = (uint64_t)(uintptr_t)path,
                                .path_len = path_len,
                                .result = -EIO};
    kiln_hypercall(KILN_HC_OPEN, hypercall_gpa(&args));
    return args.result;
}

static inline int64_t hypercall_close(uint32_t handle)
{
    struct kiln_hc_close args = {.handle = handle, .result = -EIO};
    kiln_hypercall(KILN_HC_CLOSE, hypercall_gpa(&args));
    return args.result;
}

/* PREAD or PWRITE (nr) at offset, straight from or to buf: bytes, or -errno. */
static inline int64_t hypercall_file_io(uint32_t nr, uint32_t handle, const void *buf, uint64_t len,
                                        uint64_t offset)
{
    struct kiln_hc_file_io args = {.handle = handle,
                                   .buf = (uint64_t)(uintptr_t)buf,
                                   .len = len,
                                   .offset = offset,
                                   .result = -EIO};
    kiln_hypercall(nr, hypercall_gpa(&args));
    return args.result;
}

/* Of a path beneath a volume, or of a handle with KILN_STAT_HANDLE. */
static inline int64_t hypercall_stat(uint32_t volume, uint32_t handle, uint32_t flags,
                                     const char *path, uint64_t path_len, struct kiln_stat *st)
{
    struct kiln_hc_stat args = {.volume = volume,
                                .handle = handle,
                                .flags = flags,
                                .path = (uint64_t)(uintptr_t)path,
                                .path_len = path_len,
                                .stat = (uint64_t)(uintptr_t)st,
                                .result = -EIO};
    kiln_hypercall(KILN_HC_STAT, hypercall_gpa(&args));
    return args.result;
}

static inline int64_t hypercall_dirents(uint32_t handle, void *buf, uint64_t len)
{
    struct kiln_hc_dirents args = {
        .handle = handle, .buf = (uint64_t)(uintptr_t)buf, .len = len, .result = -EIO};
    kiln_hypercall(KILN_HC_DIRENTS, hypercall_gpa(&args));
    return args.result;
}

static inline int64_t hypercall_file(uint32_t handle, uint32_t op, uint64_t arg)
{
    struct kiln_hc_file args = {.handle = handle, .op = op, .arg = arg, .result = -EIO};
    kiln_hypercall(KILN_HC_FILE, hypercall_gpa(&args));
    return args.result;
}

/* PATH: the caller fills args (on its stack) but for the result. */
static inline int64_t hypercall_path(struct kiln_hc_path *args)
{
    args->result = -EIO;
    kiln_hypercall(KILN_HC_PATH, hypercall_gpa(args));
    return args->result;
}

/* Upcalls KILN_UPCALL_TIMER in ns nanoseconds (0: none), and every
 * tick_ns while kiln_events.ticks is set. */
static inline void hypercall_alarm(uint64_t ns, uint64_t tick_ns)
{
    struct kiln_hc_alarm args = {.ns = ns, .tick_ns = tick_ns};
    kiln_hypercall(KILN_HC_ALARM, hypercall_gpa(&args));
}

/* Halts up to ns nanoseconds or until what flags name is ready: what is. */
static inline uint32_t hypercall_wait(uint64_t ns, uint32_t flags)
{
    struct kiln_hc_wait args = {.ns = ns, .flags = flags, .ready = 0};
    kiln_hypercall(KILN_HC_WAIT, hypercall_gpa(&args));
    return args.ready;
}

/* Every thread waits for good: text says on what.  Ends the run. */
static inline void hypercall_stuck(const char *text, uint64_t len)
{
    struct kiln_hc_stuck args = {.text = (uint64_t)(uintptr_t)text, .len = len};
    kiln_hypercall(KILN_HC_STUCK, hypercall_gpa(&args));
}

/* SYSCALL: the caller fills call (on its stack); the monitor prints or
 * counts it. */
static inline void hypercall_syscall(const struct kiln_hc_syscall *call)
{
    kiln_hypercall(KILN_HC_SYSCALL, hypercall_gpa(call));
}

/* Reports the program's death to the monitor, which ends the run; the
 * caller decides what to do should the call return. */
static inline void hypercall_abort(uint32_t reason, uint32_t detail, const struct kiln_regs *regs)
{
    struct kiln_hc_abort args = {
        .reason = reason,
        .detail = detail,
        .rip = regs->rip,
        .rsp = regs->rsp,
        .rbp = regs->rbp,
    };
    kiln_hypercall(KILN_HC_ABORT, hypercall_gpa(&args));
}

#endif
