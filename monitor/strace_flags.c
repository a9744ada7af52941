#include "strace_flags.h"

#include <asm/prctl.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

/* glibc calls O_LARGEFILE 0 on x86-64; the kernel and musl do not. */
#define LINUX_O_LARGEFILE 0100000
/* Linux's first real-time signal: strace counts SIGRT_n from it. */
#define LINUX_SIGRTMIN 32
#define LINUX_SIGRTMAX 64

/* A name for the bits under mask when they equal value: a flag is its own
 * mask, a field (O_ACCMODE's) or a plain number (SEEK_END) is not.  No
 * entry may have mask 0, which would match everything. */
struct name {
    uint32_t value;
    uint32_t mask;
    const char *name;
};

#define BIT(flag)                                                                                  \
    {                                                                                              \
        flag, flag, #flag                                                                          \
    }
#define FIELD(value, mask)                                                                         \
    {                                                                                              \
        value, mask, #value                                                                        \
    }
#define NUMBER(value)                                                                              \
    {                                                                                              \
        value, UINT32_MAX, #value                                                                  \
    }
/* A futex operation, and the same on a process-private futex. */
#define FUTEX(op)                                                                                  \
    {op, ~FUTEX_CLOCK_REALTIME, #op},                                                              \
    {                                                                                              \
        op | FUTEX_PRIVATE_FLAG, ~FUTEX_CLOCK_REALTIME, #op "_PRIVATE"                             \
    }

/* O_SYNC holds O_DSYNC's bit and O_TMPFILE O_DIRECTORY's: each comes
 * before the flag it holds. */
static const struct name open_flags[] = {
    FIELD(O_RDONLY, O_ACCMODE),
    FIELD(O_WRONLY, O_ACCMODE),
    FIELD(O_RDWR, O_ACCMODE),
    BIT(O_CREAT),
    BIT(O_EXCL),
    BIT(O_NOCTTY),
    BIT(O_TRUNC),
    BIT(O_APPEND),
    BIT(O_NONBLOCK),
    BIT(O_SYNC),
    BIT(O_DSYNC),
    BIT(O_ASYNC),
    BIT(O_DIRECT),
    {LINUX_O_LARGEFILE, LINUX_O_LARGEFILE, "O_LARGEFILE"},
    BIT(O_TMPFILE),
    BIT(O_DIRECTORY),
    BIT(O_NOFOLLOW),
    BIT(O_NOATIME),
    BIT(O_CLOEXEC),
    BIT(O_PATH),
};

static const struct name fd_flags[] = {BIT(O_NONBLOCK), BIT(O_CLOEXEC)};

static const struct name at_flags[] = {
    BIT(AT_SYMLINK_NOFOLLOW), BIT(AT_SYMLINK_FOLLOW),   BIT(AT_NO_AUTOMOUNT),
    BIT(AT_EMPTY_PATH),       BIT(AT_STATX_FORCE_SYNC), BIT(AT_STATX_DONT_SYNC),
};

static const struct name unlink_flags[] = {BIT(AT_REMOVEDIR)};

static const struct name access_modes[] = {FIELD(F_OK, R_OK | W_OK | X_OK), BIT(R_OK), BIT(W_OK),
                                           BIT(X_OK)};

static const struct name prot_flags[] = {
    FIELD(PROT_NONE, PROT_READ | PROT_WRITE | PROT_EXEC),
    BIT(PROT_READ),
    BIT(PROT_WRITE),
    BIT(PROT_EXEC),
    BIT(PROT_GROWSDOWN),
    BIT(PROT_GROWSUP),
};

static const struct name map_flags[] = {
    FIELD(MAP_SHARED, MAP_TYPE),
    FIELD(MAP_PRIVATE, MAP_TYPE),
    FIELD(MAP_SHARED_VALIDATE, MAP_TYPE),
    BIT(MAP_FIXED),
    BIT(MAP_ANONYMOUS),
    BIT(MAP_32BIT),
    BIT(MAP_GROWSDOWN),
    BIT(MAP_DENYWRITE),
    BIT(MAP_EXECUTABLE),
    BIT(MAP_LOCKED),
    BIT(MAP_NORESERVE),
    BIT(MAP_POPULATE),
    BIT(MAP_NONBLOCK),
    BIT(MAP_STACK),
    BIT(MAP_HUGETLB),
    BIT(MAP_SYNC),
    BIT(MAP_FIXED_NOREPLACE),
};

static const struct name whences[] = {
    NUMBER(SEEK_SET), NUMBER(SEEK_CUR), NUMBER(SEEK_END), NUMBER(SEEK_DATA), NUMBER(SEEK_HOLE),
};

static const struct name clocks[] = {
    NUMBER(CLOCK_REALTIME),          NUMBER(CLOCK_MONOTONIC),     NUMBER(CLOCK_PROCESS_CPUTIME_ID),
    NUMBER(CLOCK_THREAD_CPUTIME_ID), NUMBER(CLOCK_MONOTONIC_RAW), NUMBER(CLOCK_REALTIME_COARSE),
    NUMBER(CLOCK_MONOTONIC_COARSE),  NUMBER(CLOCK_BOOTTIME),      NUMBER(CLOCK_REALTIME_ALARM),
    NUMBER(CLOCK_BOOTTIME_ALARM),    NUMBER(CLOCK_TAI),
};

static const struct name sigmask_hows[] = {NUMBER(SIG_BLOCK), NUMBER(SIG_UNBLOCK),
                                           NUMBER(SIG_SETMASK)};

static const struct name fcntl_cmds[] = {
    NUMBER(F_DUPFD),      NUMBER(F_GETFD),      NUMBER(F_SETFD),      NUMBER(F_GETFL),
    NUMBER(F_SETFL),      NUMBER(F_GETLK),      NUMBER(F_SETLK),      NUMBER(F_SETLKW),
    NUMBER(F_SETOWN),     NUMBER(F_GETOWN),     NUMBER(F_SETSIG),     NUMBER(F_GETSIG),
    NUMBER(F_SETLEASE),   NUMBER(F_GETLEASE),   NUMBER(F_NOTIFY),     NUMBER(F_DUPFD_CLOEXEC),
    NUMBER(F_SETPIPE_SZ), NUMBER(F_GETPIPE_SZ), NUMBER(F_ADD_SEALS),  NUMBER(F_GET_SEALS),
    NUMBER(F_OFD_GETLK),  NUMBER(F_OFD_SETLK),  NUMBER(F_OFD_SETLKW),
};

static const struct name ioctl_requests[] = {
    NUMBER(TCGETS),     NUMBER(TCSETS),    NUMBER(TCSETSW),   NUMBER(TCSETSF),   NUMBER(TIOCGWINSZ),
    NUMBER(TIOCSWINSZ), NUMBER(TIOCGPGRP), NUMBER(TIOCSPGRP), NUMBER(TIOCSCTTY), NUMBER(FIONREAD),
    NUMBER(FIONBIO),    NUMBER(FIOCLEX),   NUMBER(FIONCLEX),
};

static const struct name futex_ops[] = {
    FUTEX(FUTEX_WAIT),           FUTEX(FUTEX_WAKE),        FUTEX(FUTEX_FD),
    FUTEX(FUTEX_REQUEUE),        FUTEX(FUTEX_CMP_REQUEUE), FUTEX(FUTEX_WAKE_OP),
    FUTEX(FUTEX_LOCK_PI),        FUTEX(FUTEX_UNLOCK_PI),   FUTEX(FUTEX_TRYLOCK_PI),
    FUTEX(FUTEX_WAIT_BITSET),    FUTEX(FUTEX_WAKE_BITSET), FUTEX(FUTEX_WAIT_REQUEUE_PI),
    FUTEX(FUTEX_CMP_REQUEUE_PI), FUTEX(FUTEX_LOCK_PI2),    BIT(FUTEX_CLOCK_REALTIME),
};

static const struct name arch_prctl_codes[] = {NUMBER(ARCH_SET_GS), NUMBER(ARCH_SET_FS),
                                               NUMBER(ARCH_GET_FS), NUMBER(ARCH_GET_GS)};

/* A kind's names, and how a value none of them covers prints. */
struct names {
    const struct name *list;
    size_t count;
    bool hex; /* false: a signed number */
};

#define NAMES(list, hex)                                                                           \
    {                                                                                              \
        list, sizeof list / sizeof list[0], hex                                                    \
    }

static const struct names kinds[] = {
    [ARG_OPEN_FLAGS] = NAMES(open_flags, true),
    [ARG_FD_FLAGS] = NAMES(fd_flags, true),
    [ARG_AT_FLAGS] = NAMES(at_flags, true),
    [ARG_UNLINK_FLAGS] = NAMES(unlink_flags, true),
    [ARG_ACCESS_MODE] = NAMES(access_modes, true),
    [ARG_PROT] = NAMES(prot_flags, true),
    [ARG_MAP_FLAGS] = NAMES(map_flags, true),
    [ARG_WHENCE] = NAMES(whences, false),
    [ARG_CLOCK] = NAMES(clocks, false),
    [ARG_SIGMASK_HOW] = NAMES(sigmask_hows, false),
    [ARG_FCNTL_CMD] = NAMES(fcntl_cmds, false),
    [ARG_IOCTL_REQUEST] = NAMES(ioctl_requests, true),
    [ARG_FUTEX_OP] = NAMES(futex_ops, false),
    [ARG_ARCH_PRCTL_CODE] = NAMES(arch_prctl_codes, true),
};

static void add_number(struct report_text *text, bool hex, uint32_t value)
{
    if (hex)
        report_text_add(text, "%#x", value);
    else
        report_text_add(text, "%d", (int32_t)value);
}

/* Each name whose bits no earlier name took, joined by '|'. */
static void add_names(struct report_text *text, const struct names *names, uint32_t value)
{
    uint32_t taken = 0;
    for (size_t i = 0; i < names->count; i++) {
        const struct name *name = &names->list[i];
        if ((taken & name->mask) == 0 && (value & name->mask) == name->value) {
            report_text_add(text, "%s%s", taken ? "|" : "", name->name);
            taken |= name->mask;
        }
    }
    if (taken == 0)
        add_number(text, names->hex, value);
    else if (value & ~taken)
        report_text_add(text, "|%#x", value & ~taken);
}

/* SIGINT; the real-time ones as SIGRT_n, as strace does. */
static void add_signal(struct report_text *text, uint32_t signo)
{
    const char *abbrev = signo < LINUX_SIGRTMIN ? sigabbrev_np((int)signo) : NULL;
    if (abbrev != NULL)
        report_text_add(text, "SIG%s", abbrev);
    else if (signo >= LINUX_SIGRTMIN && signo <= LINUX_SIGRTMAX)
        report_text_add(text, "SIGRT_%u", signo - LINUX_SIGRTMIN);
    else
        add_number(text, false, signo);
}

/* Every named kind is an int or unsigned int in Linux's prototypes: the
 * register's upper half is not the program's. */
void strace_flags_add(struct report_text *text, enum strace_arg kind, uint64_t value)
{
    if (kind == ARG_SIGNAL)
        add_signal(text, (uint32_t)value);
    else if (kind < sizeof kinds / sizeof kinds[0] && kinds[kind].list != NULL)
        add_names(text, &kinds[kind], (uint32_t)value);
    else
        add_number(text, true, (uint32_t)value);
}
