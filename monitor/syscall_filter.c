#include "syscall_filter.h"

#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define ARGS_MAX 2

/* Calls allowed whatever their arguments: clocks and sleeping (hypercalls,
 * the deadline), the timeout's timer and signals, the allocator (crash
 * reports read the symbol table through libelf), teardown and exit. */
static const int any_arguments[] = {
    SCMP_SYS(poll),          SCMP_SYS(clock_gettime),  SCMP_SYS(clock_nanosleep),
    SCMP_SYS(gettimeofday),  SCMP_SYS(rt_sigreturn),   SCMP_SYS(rt_sigprocmask),
    SCMP_SYS(rt_sigtimedwait), SCMP_SYS(timer_settime), SCMP_SYS(timer_delete),
    SCMP_SYS(brk),
    SCMP_SYS(munmap),        SCMP_SYS(mremap),         SCMP_SYS(close),
    SCMP_SYS(exit),          SCMP_SYS(exit_group),
};

/* What the run loop asks of the vCPU: running it, and a crash report's
 * registers. */
static const unsigned long vcpu_requests[] = {KVM_RUN, KVM_GET_REGS, KVM_GET_SREGS};

static int allow(scmp_filter_ctx filter, int call, unsigned count,
                 const struct scmp_arg_cmp args[ARGS_MAX])
{
    return seccomp_rule_add_array(filter, SCMP_ACT_ALLOW, call, count, args);
}

static int allow_on_fd(scmp_filter_ctx filter, int call, int fd)
{
    const struct scmp_arg_cmp args[ARGS_MAX] = {SCMP_A0_32(SCMP_CMP_EQ, (uint32_t)fd, 0)};
    return allow(filter, call, 1, args);
}

/* Guest stdout and stderr, and the monitor's own stderr for its messages. */
static int allow_writes(scmp_filter_ctx filter, const struct vm *vm)
{
    const int fds[] = {vm->stdio[1], vm->stdio[2], STDERR_FILENO};
    int rc = 0;
    for (size_t i = 0; i < sizeof fds / sizeof fds[0] && rc == 0; i++) {
        bool seen = false;
        for (size_t j = 0; j < i; j++)
            seen |= fds[j] == fds[i];
        if (!seen)
            rc = allow_on_fd(filter, SCMP_SYS(write), fds[i]);
    }
    return rc;
}

/* The MEMORY hypercall: a new slot of guest RAM (ram_backing.c), backed by
 * huge pages where the host has them. */
static int allow_ram_growth(scmp_filter_ctx filter, const struct vm *vm)
{
    const struct scmp_arg_cmp slot[ARGS_MAX] = {
        SCMP_A0_32(SCMP_CMP_EQ, (uint32_t)vm->vm_fd, 0),
        SCMP_A1_64(SCMP_CMP_EQ, KVM_SET_USER_MEMORY_REGION, 0),
    };
    const struct scmp_arg_cmp huge[ARGS_MAX] = {SCMP_A2_32(SCMP_CMP_EQ, MADV_HUGEPAGE, 0)};
    int rc = allow(filter, SCMP_SYS(ioctl), ARGS_MAX, slot);
    return rc == 0 ? allow(filter, SCMP_SYS(madvise), 1, huge) : rc;
}

static int allow_vcpu_requests(scmp_filter_ctx filter, const struct vm *vm)
{
    int rc = 0;
    for (size_t i = 0; i < sizeof vcpu_requests / sizeof vcpu_requests[0] && rc == 0; i++) {
        const struct scmp_arg_cmp args[ARGS_MAX] = {
            SCMP_A0_32(SCMP_CMP_EQ, (uint32_t)vm->vcpu_fd, 0),
            SCMP_A1_64(SCMP_CMP_EQ, vcpu_requests[i], 0),
        };
        rc = allow(filter, SCMP_SYS(ioctl), ARGS_MAX, args);
    }
    return rc;
}

/* The allocator may map memory, never executable memory. */
static int allow_data_mappings(scmp_filter_ctx filter)
{
    const struct scmp_arg_cmp args[ARGS_MAX] = {SCMP_A2_64(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0)};
    return allow(filter, SCMP_SYS(mmap), 1, args);
}

/* 0, or libseccomp's -errno. */
static int add_rules(scmp_filter_ctx filter, const struct vm *vm)
{
    int rc = 0;
    for (size_t i = 0; i < sizeof any_arguments / sizeof any_arguments[0] && rc == 0; i++)
        rc = allow(filter, any_arguments[i], 0, NULL);
    if (rc == 0)
        rc = allow_on_fd(filter, SCMP_SYS(read), vm->stdio[0]);
    if (rc == 0)
        rc = allow_writes(filter, vm);
    if (rc == 0)
        rc = allow_vcpu_requests(filter, vm);
    if (rc == 0)
        rc = allow_ram_growth(filter, vm);
    return rc == 0 ? allow_data_mappings(filter) : rc;
}

int syscall_filter_install(const struct vm *vm)
{
    scmp_filter_ctx filter = seccomp_init(SCMP_ACT_KILL_PROCESS);
    if (filter == NULL) {
        fprintf(stderr, "kiln: %s: seccomp: cannot create a filter\n", vm->name);
        return -1;
    }
    int rc = add_rules(filter, vm);
    if (rc == 0)
        rc = seccomp_load(filter);
    seccomp_release(filter);
    if (rc != 0) {
        fprintf(stderr, "kiln: %s: seccomp: cannot install the system call filter: %s\n",
                vm->name, strerror(-rc));
        return -1;
    }
    return 0;
}
