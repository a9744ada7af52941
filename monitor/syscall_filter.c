#include "syscall_filter.h"

#include <errno.h>
#include <limits.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/cache_entry.h"
#include "common/report.h"
#include "core_file.h"
#include "gdb_stub.h"
#include "volumes.h"

#define ARGS_MAX  2
#define RULES_MAX 64

/* One allowed call, when its first count arguments compare as args say.
 * Plain data, so that a rule set hashes to the key of its compiled filter. */
struct rule {
    int call;
    unsigned count;
    struct scmp_arg_cmp args[ARGS_MAX];
};

struct rules {
    uint32_t action; /* for any other call */
    struct rule list[RULES_MAX];
    size_t count;
    bool this_run_only; /* names this run's addresses: no use caching it */
};

/* A compiled filter: classic BPF, as the kernel takes it. */
struct program {
    struct sock_filter *code;
    size_t length;
};

/* Calls allowed whatever their arguments: clocks and sleeping (hypercalls,
 * the deadline), the timeout's timer and signals, the allocator (crash
 * reports read the symbol table through libelf), teardown and exit. */
static const int any_arguments[] = {
    SCMP_SYS(poll),
    SCMP_SYS(clock_gettime),
    SCMP_SYS(clock_nanosleep),
    SCMP_SYS(gettimeofday),
    SCMP_SYS(rt_sigreturn),
    SCMP_SYS(rt_sigprocmask),
    SCMP_SYS(rt_sigtimedwait),
    SCMP_SYS(timer_settime),
    SCMP_SYS(timer_delete),
    SCMP_SYS(brk),
    SCMP_SYS(munmap),
    SCMP_SYS(mremap),
    SCMP_SYS(close),
    SCMP_SYS(exit),
    SCMP_SYS(exit_group),
};

/* What serving volumes takes (volume_calls.c), only for a run that has
 * them: lookups beneath a folder the monitor holds (openat2, whose
 * RESOLVE_IN_ROOT keeps them there), the bytes and entries of open
 * files, and the operations on a name in a folder it resolved. */
static const int volume_calls[] = {
    SCMP_SYS(openat2),   SCMP_SYS(pread64),    SCMP_SYS(pwrite64),   SCMP_SYS(getdents64),
    SCMP_SYS(fstat),     SCMP_SYS(newfstatat), SCMP_SYS(mkdirat),    SCMP_SYS(unlinkat),
    SCMP_SYS(renameat2), SCMP_SYS(symlinkat),  SCMP_SYS(readlinkat), SCMP_SYS(ftruncate),
    SCMP_SYS(fsync),     SCMP_SYS(utimensat),  SCMP_SYS(fchmod),     SCMP_SYS(lseek),
};

/* What kiln run --gdb's stub asks of the vCPU besides (gdb_stub.c):
 * address translation, the x87 and SSE registers. */
static const unsigned long gdb_requests[] = {KVM_TRANSLATE, KVM_GET_FPU, KVM_SET_FPU};

/* What the run loop asks of the vCPU: running it, a crash report's
 * registers, and moving the program into an upcall (upcalls.c). */
static const unsigned long vcpu_requests[] = {KVM_RUN, KVM_GET_REGS, KVM_GET_SREGS, KVM_SET_REGS,
                                              KVM_SET_SREGS};

/* What a kiln serve worker does besides: wait for jobs and share stats
 * (futexes), free memory, and rebuild its VM after a failed job on a
 * thread timer of its own, from the snapshot's /dev/kvm. */
static const int worker_any_arguments[] = {
    SCMP_SYS(futex),  SCMP_SYS(madvise),      SCMP_SYS(sched_yield),
    SCMP_SYS(gettid), SCMP_SYS(timer_create), SCMP_SYS(rt_sigaction),
};

/* What a worker asks of KVM: make a VM from the snapshot's state, run
 * it, report its crashes, reset it from the dirty log.  On any
 * descriptor, for a rebuilt VM's descriptors are new ones. */
static const unsigned long worker_requests[] = {
    KVM_CREATE_VM,
    KVM_CHECK_EXTENSION,
    KVM_ENABLE_CAP,
    KVM_SET_USER_MEMORY_REGION,
    KVM_CREATE_VCPU,
    KVM_GET_VCPU_MMAP_SIZE,
    KVM_SET_CPUID2,
    KVM_SET_SIGNAL_MASK,
    KVM_RUN,
    KVM_GET_REGS,
    KVM_SET_REGS,
    KVM_GET_SREGS,
    KVM_SET_SREGS,
    KVM_GET_MSRS,
    KVM_SET_MSRS,
    KVM_SET_XSAVE,
    KVM_SET_XCRS,
    KVM_SET_DEBUGREGS,
    KVM_SET_VCPU_EVENTS,
    KVM_GET_DIRTY_LOG,
    KVM_CLEAR_DIRTY_LOG,
};

#define COUNT(array) (sizeof(array) / sizeof((array)[0]))

/* The run loop's: a read, three writes, two for RAM growth, one for mmap,
 * four for a core; a worker's: one write, one mmap, one mprotect. */
_Static_assert(COUNT(any_arguments) + COUNT(vcpu_requests) + 8 + 4 + COUNT(volume_calls) +
                       COUNT(gdb_requests) + 2 <=
                   RULES_MAX,
               "RULES_MAX holds every rule of the run loop");
_Static_assert(COUNT(any_arguments) + COUNT(worker_any_arguments) + COUNT(worker_requests) + 3 <=
                   RULES_MAX,
               "RULES_MAX holds every rule of a worker");

static void add(struct rules *rules, int call, unsigned count,
                const struct scmp_arg_cmp args[ARGS_MAX])
{
    struct rule *rule = &rules->list[rules->count++];
    *rule = (struct rule){.call = call, .count = count};
    if (count > 0)
        memcpy(rule->args, args, count * sizeof args[0]);
}

static void add_on_fd(struct rules *rules, int call, int fd)
{
    const struct scmp_arg_cmp args[ARGS_MAX] = {SCMP_A0_32(SCMP_CMP_EQ, (uint32_t)fd, 0)};
    add(rules, call, 1, args);
}

static void add_all(struct rules *rules, const int *calls, size_t count)
{
    for (size_t i = 0; i < count; i++)
        add(rules, calls[i], 0, NULL);
}

static void add_vcpu_requests(struct rules *rules, const struct vm *vm,
                              const unsigned long *requests, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        const struct scmp_arg_cmp args[ARGS_MAX] = {
            SCMP_A0_32(SCMP_CMP_EQ, (uint32_t)vm->vcpu_fd, 0),
            SCMP_A1_64(SCMP_CMP_EQ, requests[i], 0),
        };
        add(rules, SCMP_SYS(ioctl), ARGS_MAX, args);
    }
}

/* The MEMORY hypercall: a new slot of guest RAM (ram_backing.c), backed by
 * huge pages where the host has them. */
static void add_ram_growth(struct rules *rules, const struct vm *vm)
{
    const struct scmp_arg_cmp slot[ARGS_MAX] = {
        SCMP_A0_32(SCMP_CMP_EQ, (uint32_t)vm->vm_fd, 0),
        SCMP_A1_64(SCMP_CMP_EQ, KVM_SET_USER_MEMORY_REGION, 0),
    };
    const struct scmp_arg_cmp huge[ARGS_MAX] = {SCMP_A2_32(SCMP_CMP_EQ, MADV_HUGEPAGE, 0)};
    add(rules, SCMP_SYS(ioctl), ARGS_MAX, slot);
    add(rules, SCMP_SYS(madvise), 1, huge);
}

/* Memory may be mapped (or, with call mprotect, made accessible), never
 * executable. */
static void add_no_exec(struct rules *rules, int call)
{
    const struct scmp_arg_cmp args[ARGS_MAX] = {SCMP_A2_64(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0)};
    add(rules, call, 1, args);
}

static void add_kvm_requests(struct rules *rules)
{
    for (size_t i = 0; i < COUNT(worker_requests); i++) {
        const struct scmp_arg_cmp args[ARGS_MAX] = {SCMP_A1_64(SCMP_CMP_EQ, worker_requests[i], 0)};
        add(rules, SCMP_SYS(ioctl), 1, args);
    }
}

/* kiln run --dumpcore (core_file.h): the core's temporary file was made
 * in DIR before confinement, so that after a crash the loop only writes
 * that descriptor, reads the x87/SSE registers and renames the file into
 * place; a run that ends well removes it.  No open, not even one on DIR's
 * descriptor: seccomp cannot read a path, so an openat there would let a
 * monitor that a guest took over create files in DIR and, through "..",
 * anywhere, and its descriptor would be unknown here.  rename and unlink
 * take only the strings core_file holds, compared by address: addresses
 * of this run, so the filter is compiled for it and not cached. */
static void add_core_calls(struct rules *rules, const struct vm *vm)
{
    const struct core_file *core = vm->core;
    const struct scmp_arg_cmp rename_args[ARGS_MAX] = {
        SCMP_A0_64(SCMP_CMP_EQ, (uint64_t)(uintptr_t)core->temp, 0),
        SCMP_A1_64(SCMP_CMP_EQ, (uint64_t)(uintptr_t)core->path, 0),
    };
    const unsigned long fpu[] = {KVM_GET_XSAVE};
    add_on_fd(rules, SCMP_SYS(write), core->fd);
    add(rules, SCMP_SYS(rename), ARGS_MAX, rename_args);
    add(rules, SCMP_SYS(unlink), 1, rename_args);
    add_vcpu_requests(rules, vm, fpu, COUNT(fpu));
    rules->this_run_only = true;
}

/* kiln run: the guest's stdio is the process's, and any other call ends
 * the process. */
static void run_rules(struct rules *rules, const struct vm *vm)
{
    rules->action = SCMP_ACT_KILL_PROCESS;
    add_on_fd(rules, SCMP_SYS(read), STDIN_FILENO);
    add_on_fd(rules, SCMP_SYS(write), STDOUT_FILENO);
    add_on_fd(rules, SCMP_SYS(write), STDERR_FILENO);
    add_vcpu_requests(rules, vm, vcpu_requests, COUNT(vcpu_requests));
    add_ram_growth(rules, vm);
    add_no_exec(rules, SCMP_SYS(mmap));
    /* The embedded files' pieces copied from the image (ram_backing.c). */
    if (vm->backing.hole_start < vm->backing.hole_end)
        add_on_fd(rules, SCMP_SYS(pread64), vm->backing.hole_fd);
    if (vm->volumes != NULL && vm->volumes->count > 0)
        add_all(rules, volume_calls, COUNT(volume_calls));
    if (vm->gdb != NULL) {
        add_on_fd(rules, SCMP_SYS(read), gdb_stub_fd(vm));
        add_on_fd(rules, SCMP_SYS(write), gdb_stub_fd(vm));
        add_vcpu_requests(rules, vm, gdb_requests, COUNT(gdb_requests));
    }
    if (vm->core != NULL)
        add_core_calls(rules, vm);
}

/* A kiln serve worker: the guest's stdio is buffers; writes go to the
 * log and, on any descriptor, to libmicrohttpd's wake-up of the thread
 * that answers (whose descriptor the library does not tell).  Any other
 * call raises SIGSYS in the worker alone, which its pool reports. */
static void worker_rules(struct rules *rules)
{
    rules->action = SCMP_ACT_TRAP;
    add_all(rules, worker_any_arguments, COUNT(worker_any_arguments));
    add(rules, SCMP_SYS(write), 0, NULL);
    add_kvm_requests(rules);
    add_no_exec(rules, SCMP_SYS(mmap));
    add_no_exec(rules, SCMP_SYS(mprotect));
}

static void rules_of(struct rules *rules, const struct vm *vm, enum syscall_filter_kind kind)
{
    *rules = (struct rules){0};
    add_all(rules, any_arguments, COUNT(any_arguments));
    if (kind == SYSCALL_FILTER_RUN)
        run_rules(rules, vm);
    else
        worker_rules(rules);
}

/* What libseccomp made of rules, read back from a memfd: 0, or -errno. */
static int export_program(scmp_filter_ctx filter, struct program *program)
{
    int fd = memfd_create("kiln-seccomp", MFD_CLOEXEC);
    if (fd < 0)
        return -errno;
    int rc = seccomp_export_bpf(filter, fd);
    off_t size = rc == 0 ? lseek(fd, 0, SEEK_END) : -1;
    if (rc == 0 && (size <= 0 || size % sizeof *program->code != 0))
        rc = -EINVAL;
    if (rc == 0 && (program->code = malloc((size_t)size)) == NULL)
        rc = -ENOMEM;
    if (rc == 0 && pread(fd, program->code, (size_t)size, 0) != size)
        rc = -EIO;
    if (rc == 0)
        program->length = (size_t)size / sizeof *program->code;
    close(fd);
    return rc;
}

static int compile(const struct rules *rules, struct program *program)
{
    scmp_filter_ctx filter = seccomp_init(rules->action);
    if (filter == NULL)
        return -ENOMEM;
    int rc = 0;
    for (size_t i = 0; i < rules->count && rc == 0; i++) {
        const struct rule *rule = &rules->list[i];
        rc = seccomp_rule_add_array(filter, SCMP_ACT_ALLOW, rule->call, rule->count, rule->args);
    }
    if (rc == 0)
        rc = export_program(filter, program);
    seccomp_release(filter);
    return rc;
}

/* The key of a rule set's program: the rules, and the libseccomp that
 * compiles them. */
static struct content_hash key_of(const struct rules *rules)
{
    const unsigned version[] = {SCMP_VER_MAJOR, SCMP_VER_MINOR, SCMP_VER_MICRO,
                                seccomp_arch_native()};
    struct content_hasher hasher;
    content_hasher_start(&hasher);
    content_hasher_add(&hasher, version, sizeof version);
    content_hasher_add(&hasher, &rules->action, sizeof rules->action);
    content_hasher_add(&hasher, rules->list, rules->count * sizeof rules->list[0]);
    return content_hasher_digest(&hasher);
}

static bool is_program(const void *payload, size_t size)
{
    (void)payload;
    size_t length = size / sizeof(struct sock_filter);
    return size % sizeof(struct sock_filter) == 0 && length > 0 && length <= BPF_MAXINSNS;
}

/* The program for rules: from the cache under cache_dir when it has it
 * (compiling costs ~100 us on PVM, a tenth of a boot), else compiled and
 * kept there.  0, or -errno. */
static int program_of(const struct rules *rules, const char *cache_dir, struct program *program)
{
    char path[PATH_MAX];
    struct content_hash key = key_of(rules);
    *program = (struct program){0};
    bool cacheable = cache_dir != NULL && !rules->this_run_only &&
                     cache_entry_path(path, sizeof path, cache_dir, CACHE_SECCOMP, &key, "") == 0;
    void *cached;
    size_t size;
    if (cacheable && cache_record_take(path, is_program, "not a seccomp program", &cached, &size)) {
        *program = (struct program){.code = cached, .length = size / sizeof *program->code};
        return 0;
    }
    int rc = compile(rules, program);
    /* A cache that cannot be written is reported; the run goes on. */
    if (rc == 0 && cacheable)
        cache_record_write(path, program->code, program->length * sizeof *program->code);
    return rc;
}

static int load(const struct program *program)
{
    struct sock_fprog prog = {.len = (unsigned short)program->length, .filter = program->code};
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
        syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) != 0)
        return -errno;
    return 0;
}

int syscall_filter_install(const struct vm *vm, enum syscall_filter_kind kind)
{
    struct rules rules;
    struct program program;
    rules_of(&rules, vm, kind);
    int rc = program_of(&rules, vm->cache_dir, &program);
    if (rc == 0)
        rc = load(&program);
    free(program.code);
    if (rc != 0) {
        return report("%s: seccomp: cannot install the system call filter: %s", vm->name,
                      strerror(-rc));
    }
    return 0;
}
