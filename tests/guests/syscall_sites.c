/*
 * System calls whose code before the SYSCALL kiln build moved into a
 * trampoline that enters the runtime (builder/syscall_sites.c), one case
 * at a time:
 *
 *   errors     failing calls give Linux's errno: unlink, rmdir, chdir,
 *              access, mkdir and dup are rewritten sites in musl
 *   branch     a jump straight to a rewritten site's SYSCALL, with another
 *              number in EAX, makes that call the slow way
 *   registers  a rewritten call keeps every register but RAX, RCX and
 *              R11, sets RCX to the address after the SYSCALL, and leaves
 *              the 128 bytes below RSP (the red zone) as they were
 *   signal     a handler runs and returns through musl's __restore_rt
 *              (`mov $15, %rax; syscall`, rewritten), which puts back the
 *              signal mask and the interrupted code's registers
 *   cancel     pthread_cancel ends a thread blocked in read() on a pipe:
 *              musl cancels only if the call was interrupted between
 *              __cp_begin and __cp_end, where its rewritten SYSCALL is
 *
 *   syscall_sites CASE  ->  lines that name what was seen
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define RED_ZONE_MARK 0x5ed20e5ed20e5ed2
#define STR(x)        #x
#define XSTR(x)       STR(x)

static void said(const char *what, long result)
{
    if (result < 0)
        printf("%s: %s\n", what, strerror(errno));
    else
        printf("%s: %ld\n", what, result);
}

static void errors(void)
{
    said("open a missing file", open("/no/such/file", O_RDONLY));
    said("unlink a missing file", unlink("/no/such/file"));
    said("rmdir a missing folder", rmdir("/no/such"));
    said("chdir to a missing folder", chdir("/no/such"));
    said("access a missing file", access("/no/such", F_OK));
    said("mkdir /tmp", mkdir("/tmp", 0755));
    said("dup -1", dup(-1));
}

/* The first SYSCALL is a rewritten site (getppid); the jump to its label
 * skips the rewritten mov, so getpid goes the slow way. */
static long at_site(int skip_the_mov)
{
    long result;
    __asm__ volatile("test %[skip], %[skip]\n\t"
                     "jz 2f\n\t"
                     "mov $" XSTR(SYS_getpid) ", %%eax\n\t"
                                              "jmp 1f\n"
                                              "2:\n\t"
                                              "mov $" XSTR(SYS_getppid) ", %%eax\n"
                                                                        "1:\n\t"
                                                                        "syscall"
                     : "=a"(result)
                     : [skip] "r"(skip_the_mov)
                     : "rcx", "r11", "memory");
    return result;
}

static void branch(void)
{
    printf("getpid and getppid differ: %s\n", getpid() != getppid() ? "yes" : "no");
    printf("the site gives getppid: %s\n", at_site(0) == getppid() ? "yes" : "no");
    printf("a jump to its syscall gives getpid: %s\n", at_site(1) == getpid() ? "yes" : "no");
}

struct seen {
    uint64_t rbx, rdx, rsi, rdi, rbp, r8, r9, r10, r12, r13, r14, r15;
    uint64_t rcx, after, red_zone;
};

/* Steps below the compiler's red zone first, so that the one it marks is
 * its own; then `mov $39, %eax; syscall`, a rewritten getpid site. */
static void call_with_marks(struct seen *seen)
{
    __asm__ volatile(
        "sub $128, %%rsp\n\t"
        "push %%rbp\n\t"
        "push %%rdi\n\t"
        "movabs $" XSTR(
            RED_ZONE_MARK) ", %%rax\n\t"
                           "mov %%rax, -8(%%rsp)\n\t"
                           "mov $0x1b, %%ebx\n\t"
                           "mov $0x1d, %%edx\n\t"
                           "mov $0x1e, %%esi\n\t"
                           "mov $0x1f, %%edi\n\t"
                           "mov $0x1a, %%ebp\n\t"
                           "mov $0x08, %%r8d\n\t"
                           "mov $0x09, %%r9d\n\t"
                           "mov $0x10, %%r10d\n\t"
                           "mov $0x12, %%r12d\n\t"
                           "mov $0x13, %%r13d\n\t"
                           "mov $0x14, %%r14d\n\t"
                           "mov $0x15, %%r15d\n\t"
                           "mov $" XSTR(SYS_getpid) ", %%eax\n\t"
                                                    "syscall\n"
                                                    "1:\n\t"
                                                    "mov -8(%%rsp), %%rax\n\t"
                                                    "xchg %%rdi, (%%rsp)\n\t" /* seen back; RDI as
                                                                                 the call left it */
                                                    "mov %%rbx, 0(%%rdi)\n\t"
                                                    "mov %%rdx, 8(%%rdi)\n\t"
                                                    "mov %%rsi, 16(%%rdi)\n\t"
                                                    "mov (%%rsp), %%rsi\n\t"
                                                    "mov %%rsi, 24(%%rdi)\n\t"
                                                    "mov %%rbp, 32(%%rdi)\n\t"
                                                    "mov %%r8, 40(%%rdi)\n\t"
                                                    "mov %%r9, 48(%%rdi)\n\t"
                                                    "mov %%r10, 56(%%rdi)\n\t"
                                                    "mov %%r12, 64(%%rdi)\n\t"
                                                    "mov %%r13, 72(%%rdi)\n\t"
                                                    "mov %%r14, 80(%%rdi)\n\t"
                                                    "mov %%r15, 88(%%rdi)\n\t"
                                                    "mov %%rcx, 96(%%rdi)\n\t"
                                                    "lea 1b(%%rip), %%rcx\n\t"
                                                    "mov %%rcx, 104(%%rdi)\n\t"
                                                    "mov %%rax, 112(%%rdi)\n\t"
                                                    "add $8, %%rsp\n\t"
                                                    "pop %%rbp\n\t"
                                                    "add $128, %%rsp"
        :
        : "D"(seen)
        : "rax", "rbx", "rcx", "rdx", "rsi", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
          "memory");
}

static void registers(void)
{
    struct seen seen;
    call_with_marks(&seen);
    printf("rbx rdx rsi rdi rbp kept: %s\n", seen.rbx == 0x1b && seen.rdx == 0x1d &&
                                                     seen.rsi == 0x1e && seen.rdi == 0x1f &&
                                                     seen.rbp == 0x1a
                                                 ? "yes"
                                                 : "no");
    printf("r8 r9 r10 r12 r13 r14 r15 kept: %s\n",
           seen.r8 == 0x08 && seen.r9 == 0x09 && seen.r10 == 0x10 && seen.r12 == 0x12 &&
                   seen.r13 == 0x13 && seen.r14 == 0x14 && seen.r15 == 0x15
               ? "yes"
               : "no");
    printf("rcx is the address after the syscall: %s\n", seen.rcx == seen.after ? "yes" : "no");
    printf("the red zone kept: %s\n", seen.red_zone == RED_ZONE_MARK ? "yes" : "no");
}

static volatile sig_atomic_t handled;

static void on_usr1(int signo)
{
    handled += signo == SIGUSR1;
}

static void signal_handler(void)
{
    struct sigaction action = {.sa_handler = on_usr1};
    sigset_t blocked;
    sigaction(SIGUSR1, &action, NULL);
    long pid = getpid();
    for (int i = 0; i < 3; i++)
        said("raise SIGUSR1", raise(SIGUSR1));
    printf("handled: %d\n", handled);
    sigprocmask(SIG_BLOCK, NULL, &blocked);
    printf("SIGUSR1 blocked after the handlers: %s\n",
           sigismember(&blocked, SIGUSR1) ? "yes" : "no");
    printf("getpid after the handlers is the same: %s\n", getpid() == pid ? "yes" : "no");
}

static int pipe_fds[2];
static atomic_int reading;

static void *read_the_pipe(void *unused)
{
    char byte;
    (void)unused;
    atomic_store(&reading, 1);
    read(pipe_fds[0], &byte, 1);
    return "read returned";
}

static void cancel(void)
{
    pthread_t reader;
    void *result;
    said("pipe", pipe(pipe_fds));
    pthread_create(&reader, NULL, read_the_pipe, NULL);
    while (!atomic_load(&reading))
        usleep(1000);
    usleep(50000); /* it blocks in read() meanwhile */
    printf("pthread_cancel: %d\n", pthread_cancel(reader));
    printf("pthread_join: %d\n", pthread_join(reader, &result));
    printf("the blocked read was cancelled: %s\n", result == PTHREAD_CANCELED ? "yes" : "no");
}

static const struct {
    const char *name;
    void (*run)(void);
} cases[] = {
    {"errors", errors},         {"branch", branch}, {"registers", registers},
    {"signal", signal_handler}, {"cancel", cancel},
};

int main(int argc, char **argv)
{
    for (size_t i = 0; argc == 2 && i < sizeof cases / sizeof cases[0]; i++) {
        if (strcmp(argv[1], cases[i].name) == 0) {
            cases[i].run();
            return 0;
        }
    }
    fprintf(stderr, "usage: syscall_sites errors|branch|registers|signal|cancel\n");
    return 2;
}
