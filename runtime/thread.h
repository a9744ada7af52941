/*
 * The program's threads.  Each has its own registers (saved by
 * kiln_switch on its own stack), FS base, x87/SSE state, signal mask and
 * pending signals; the scheduler (sched.h) decides which one runs.
 * clone makes one the way pthread_create asks; exit ends one.
 */
#ifndef KILN_RUNTIME_THREAD_H
#define KILN_RUNTIME_THREAD_H

#include "sched.h"
#include "syscall.h"
#include <stdbool.h>
#include <stdint.h>

#define SIGNAL_COUNT 65 /* 1-64, and 0 unused */

/* What a pending signal carries into its siginfo_t. */
struct signal_info {
    int32_t code;
    int32_t pid;     /* the sender (SI_USER, SI_TKILL) */
    uint64_t addr;   /* the fault address, or the timer's value */
    int32_t timer;   /* SI_TIMER: the timer's id */
    int32_t overrun; /* SI_TIMER */
};

enum thread_state { THREAD_RUNNABLE, THREAD_WAITING, THREAD_DEAD };

struct thread {
    _Alignas(16) uint8_t fpu[512]; /* fxsave64 area */
    uint64_t sp;                   /* where kiln_switch left this thread's stack */
    uint64_t fs_base;
    int32_t tid;
    enum thread_state state;
    struct thread *next;  /* in the run queue or the queue it waits on */
    struct thread *older; /* every live thread, newest first */
    bool from_pages;      /* not the first thread: reused after it exits */
    /* While waiting: */
    struct wait_queue *queue;
    int64_t deadline_ns; /* 0: none */
    uint32_t wait_flags; /* SCHED_WAIT_* */
    const char *what;
    uint64_t what_addr; /* a futex's address, for the deadlock report */
    long wake_result;
    /* futex.c */
    uint64_t futex_addr;
    uint32_t futex_bitset;
    uint32_t *clear_tid; /* CLONE_CHILD_CLEARTID, set_tid_address */
    /* signal.c */
    uint64_t blocked;
    uint64_t pending;
    uint64_t awaited;           /* rt_sigtimedwait's set */
    uint64_t mask_after_signal; /* sigsuspend: the mask to put back */
    bool restore_mask;
    uint64_t altstack_sp;
    uint64_t altstack_size;
    uint32_t altstack_flags;
    uint32_t fault_vector; /* the last fault, for the handler's ucontext */
    uint64_t fault_error;
    uint64_t fault_address;
    struct signal_info info[SIGNAL_COUNT];
};

/* The thread running now. */
extern struct thread *thread_now;

/* Every live thread, newest first. */
struct thread *thread_newest(void);

int thread_count(void);
int thread_current_tid(void);

/* The live thread with this id, or NULL. */
struct thread *thread_of(int32_t tid);

/* The process ends with status, as exit_group(2) ends it. */
__attribute__((noreturn)) void thread_exit_group(int32_t status);

syscall_handler kiln_sys_clone;
syscall_handler kiln_sys_clone3;
syscall_handler kiln_sys_exit;
syscall_handler kiln_sys_exit_group;
syscall_handler kiln_sys_gettid;
syscall_handler kiln_sys_set_tid_address;
syscall_handler kiln_sys_set_robust_list;
syscall_handler kiln_sys_sched_yield;
syscall_handler kiln_sys_sched_getaffinity;
syscall_handler kiln_sys_sched_setaffinity;

#endif
