#include <criterion/criterion.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "monitor/syscall_filter.h"
#include "monitor/volume_path.h"
#include "monitor/volumes.h"
#include "scratch_dir.h"

/* The descriptors the filter is made for; /dev/null stands in for the
 * vCPU, whose ioctls are then refused by the kernel, not the filter. */
static struct vm vm = {.name = "app.kiln"};

/* A kiln serve worker's SIGSYS ends the child with this status. */
#define TRAPPED 77

static void on_sigsys(int signo)
{
    (void)signo;
    _exit(TRAPPED);
}

/* Runs body in a child confined by kind's filter; returns its wait status. */
static int confined_as(enum syscall_filter_kind kind, void (*body)(void))
{
    pid_t child = fork();
    cr_assert_geq(child, 0);
    if (child == 0) {
        signal(SIGSYS, on_sigsys);
        vm.vcpu_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
        if (vm.vcpu_fd < 0 || syscall_filter_install(&vm, kind) != 0)
            _exit(99);
        body();
        _exit(0);
    }
    int status;
    cr_assert_eq(waitpid(child, &status, 0), child);
    return status;
}

static int confined(void (*body)(void))
{
    return confined_as(SYSCALL_FILTER_RUN, body);
}

static void expect_trapped(int status)
{
    cr_assert(WIFEXITED(status), "killed by signal %d", WTERMSIG(status));
    cr_assert_eq(WEXITSTATUS(status), TRAPPED);
}

static void expect_killed(int status)
{
    cr_assert(WIFSIGNALED(status), "the child was not killed (status 0x%x)", status);
    cr_assert_eq(WTERMSIG(status), SIGSYS);
}

static void what_the_run_loop_does(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    ioctl(vm.vcpu_fd, KVM_RUN, 0);
    ioctl(vm.vcpu_fd, KVM_GET_REGS, 0);
    if (write(2, "", 0) != 0)
        _exit(98);
    void *block = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    munmap(block, 1 << 20);
    close(vm.vcpu_fd);
}

static void open_a_file(void)
{
    open("/etc/hostname", O_RDONLY);
}

static void start_a_program(void)
{
    execl("/bin/true", "true", (char *)NULL);
}

static void map_executable_memory(void)
{
    mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
}

static void another_vcpu_request(void)
{
    ioctl(vm.vcpu_fd, KVM_SET_MSRS, 0);
}

static void write_to_another_fd(void)
{
    if (write(vm.vcpu_fd, "x", 1) < 0)
        _exit(97);
}

static void signal_a_process(void)
{
    kill(getpid(), 0);
}

Test(syscall_filter, lets_the_run_loop_run_and_exit)
{
    int status = confined(what_the_run_loop_does);
    cr_assert(WIFEXITED(status), "killed by signal %d", WTERMSIG(status));
    cr_assert_eq(WEXITSTATUS(status), 0);
}

Test(syscall_filter, kills_a_monitor_that_opens_a_file)
{
    expect_killed(confined(open_a_file));
}

Test(syscall_filter, kills_a_monitor_that_starts_a_program)
{
    expect_killed(confined(start_a_program));
}

Test(syscall_filter, kills_a_monitor_that_maps_executable_memory)
{
    expect_killed(confined(map_executable_memory));
}

Test(syscall_filter, kills_a_vcpu_request_the_run_loop_never_makes)
{
    expect_killed(confined(another_vcpu_request));
}

Test(syscall_filter, kills_a_write_to_anything_but_stdout_and_stderr)
{
    expect_killed(confined(write_to_another_fd));
}

Test(syscall_filter, kills_a_monitor_that_signals_a_process)
{
    expect_killed(confined(signal_a_process));
}

/* A run with a volume on /tmp: what its hypercalls do to a folder. */
static struct volumes a_volume = {.count = 1};

static void serve_a_volume(void)
{
    char entries[1024];
    struct stat st;
    int fd = volume_resolve(a_volume.list[0].root, "", O_RDONLY | O_DIRECTORY, 0);
    if (fd < 0 || syscall(SYS_getdents64, fd, entries, sizeof entries) < 0 || fstat(fd, &st) != 0 ||
        lseek(fd, 0, SEEK_SET) != 0 || pread(fd, entries, 1, 0) != -1)
        _exit(96);
    close(fd);
}

static void open_the_volume(void)
{
    a_volume.list[0].root = open("/tmp", O_PATH | O_DIRECTORY | O_CLOEXEC);
    cr_assert_geq(a_volume.list[0].root, 0);
}

Test(syscall_filter, lets_a_run_with_volumes_serve_them)
{
    open_the_volume();
    vm.volumes = &a_volume;
    int status = confined(serve_a_volume);
    vm.volumes = NULL;
    cr_assert(WIFEXITED(status), "killed by signal %d", WTERMSIG(status));
    cr_assert_eq(WEXITSTATUS(status), 0);
}

Test(syscall_filter, kills_a_run_without_volumes_that_resolves_a_path)
{
    open_the_volume();
    expect_killed(confined(serve_a_volume));
}

Test(syscall_filter, kills_a_run_with_volumes_that_opens_a_file)
{
    open_the_volume();
    vm.volumes = &a_volume;
    int status = confined(open_a_file);
    vm.volumes = NULL;
    expect_killed(status);
}

/* The first confined child compiles the filter and keeps it; the next ones
 * load it from the cache, and it holds as tightly. */
Test(syscall_filter, a_cached_filter_kills_what_the_compiled_one_kills)
{
    char dir[sizeof SCRATCH_TEMPLATE];
    char folder[PATH_MAX];
    scratch_dir_make(dir);
    scratch_path(folder, sizeof folder, dir, "seccomp");
    vm.cache_dir = dir;
    expect_killed(confined(open_a_file));
    cr_assert_eq(access(folder, F_OK), 0, "no compiled filter was kept");
    expect_killed(confined(open_a_file));
    expect_killed(confined(another_vcpu_request));
    int status = confined(what_the_run_loop_does);
    vm.cache_dir = NULL;
    scratch_dir_remove(dir);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status 0x%x", status);
}

static void what_a_worker_does(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    ioctl(vm.vcpu_fd, KVM_RUN, 0);
    ioctl(vm.vcpu_fd, KVM_SET_MSRS, 0);
    ioctl(vm.vcpu_fd, KVM_GET_DIRTY_LOG, 0);
    if (write(2, "", 0) != 0)
        _exit(98);
    void *block = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mprotect(block, 4096, PROT_READ) != 0)
        _exit(97);
    munmap(block, 1 << 20);
    close(vm.vcpu_fd);
}

static void make_memory_executable(void)
{
    void *block = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    mprotect(block, 4096, PROT_READ | PROT_EXEC);
}

Test(syscall_filter, lets_a_serve_worker_run_reset_and_rebuild_its_vm)
{
    int status = confined_as(SYSCALL_FILTER_SERVE_WORKER, what_a_worker_does);
    cr_assert(WIFEXITED(status), "killed by signal %d", WTERMSIG(status));
    cr_assert_eq(WEXITSTATUS(status), 0);
}

Test(syscall_filter, traps_a_serve_worker_that_opens_a_file)
{
    expect_trapped(confined_as(SYSCALL_FILTER_SERVE_WORKER, open_a_file));
}

Test(syscall_filter, traps_a_serve_worker_that_starts_a_program)
{
    expect_trapped(confined_as(SYSCALL_FILTER_SERVE_WORKER, start_a_program));
}

Test(syscall_filter, traps_a_serve_worker_that_makes_memory_executable)
{
    expect_trapped(confined_as(SYSCALL_FILTER_SERVE_WORKER, make_memory_executable));
}

Test(syscall_filter, traps_a_serve_worker_that_signals_a_process)
{
    expect_trapped(confined_as(SYSCALL_FILTER_SERVE_WORKER, signal_a_process));
}
