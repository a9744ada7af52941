/*
 * The host/guest contract of kiln: the only header both sides of the VM
 * boundary include.  Numbers here are never reused; new hypercalls and
 * fields are appended.  Every struct has explicit widths, explicit padding
 * and a size assert.  Assembler-safe above the C-only part.
 */
#ifndef KILN_ABI_H
#define KILN_ABI_H

#define KILN_ABI_VERSION 1

/* Guest-physical layout.  Guest virtual == guest physical (identity map). */
#define KILN_PAGE_SIZE       0x1000
#define KILN_GDT_GPA         0x1000 /* GDT, then the TSS in the same page */
#define KILN_TSS_GPA         0x1800
#define KILN_IDT_GPA         0x2000 /* 256 gates of 16 bytes */
#define KILN_BOOT_INFO_GPA   0x3000
#define KILN_RING0_STACK_GPA 0x4000 /* IST1 and RSP0: pages 0x4000-0x5fff */
#define KILN_RING0_STACK_TOP 0x6000
#define KILN_PAGE_TABLES_GPA 0x10000 /* up to 16 pages of page tables */
#define KILN_PAGE_TABLES_END 0x20000
#define KILN_IMAGE_BASE      0x100000 /* below this only the monitor writes */

/* Guest RAM: one slot from 0; all of it below 4 GiB so that every
 * argument-struct address fits the doorbell's 32 bits. */
#define KILN_MEM_MIN     (16ull << 20)
#define KILN_MEM_MAX     (4ull << 30)
#define KILN_MEM_DEFAULT (128ull << 20)
#define KILN_MEM_ALIGN   (2ull << 20)
#define KILN_STACK_SIZE  (8ull << 20) /* at the top of RAM, guard page below */

/* The doorbell: unbacked guest-physical range just past the largest RAM.
 * A 4-byte write of an argument struct's address to slot nr exits to the
 * monitor as MMIO, from ring 3, with no ring-0 code involved. */
#define KILN_DOORBELL_GPA  0x100000000ull
#define KILN_DOORBELL_SLOT 4

/* Segment selectors (GDT layout of the monitor). */
#define KILN_KERNEL_CS 0x08
#define KILN_KERNEL_DS 0x10
#define KILN_USER_DS   0x1b
#define KILN_USER_CS   0x23
#define KILN_TSS_SEL   0x28

/* Ring-0 exception stubs: one per vector, KILN_EXCEPTION_STUB_SIZE apart.
 * Each pushes (error code,) vector, then writes to this port, leaving the
 * frame vector, error, rip, cs, rflags, rsp, ss at RSP for the monitor. */
#define KILN_EXCEPTION_VECTORS   32
#define KILN_EXCEPTION_STUB_SIZE 16
#define KILN_EXCEPTION_PORT      0x4b

/* The KILN ELF note (PT_NOTE): name "KILN", type KILN_NOTE_TYPE. */
#define KILN_NOTE_NAME "KILN"
#define KILN_NOTE_TYPE 1

/* Hypercall numbers: append only. */
#define KILN_HC_WRITE    0
#define KILN_HC_READ     1
#define KILN_HC_WALLTIME 2
#define KILN_HC_SLEEP    3
#define KILN_HC_EXIT     4
#define KILN_HC_ABORT    5
#define KILN_HC_MEMORY   6
#define KILN_HC_READY    7
#define KILN_HC_FINISH   8
#define KILN_HC_COUNT    9

/* kiln_boot_info.flags */
#define KILN_BOOT_SERVE 0x1 /* kiln serve: make READY just before main */

/* Reasons an ABORT hypercall gives. */
#define KILN_ABORT_SIGNAL  1 /* the program raised a fatal signal: detail = signo */
#define KILN_ABORT_RUNTIME 2 /* the runtime hit an impossible state: detail = code */

#ifndef __ASSEMBLER__
#include <stdint.h>

/* Descriptor of the KILN note.  The linker fills the entry addresses. */
struct kiln_note {
    uint32_t abi_version;
    uint32_t flags;
    uint64_t default_mem;       /* bytes of guest RAM unless --mem says */
    uint64_t syscall_entry;     /* ring-0 SYSCALL target (LSTAR) */
    uint64_t exception_entries; /* first of KILN_EXCEPTION_VECTORS stubs */
};
_Static_assert(sizeof(struct kiln_note) == 32, "kiln_note layout");

/* Written by the monitor at KILN_BOOT_INFO_GPA before the first instruction. */
struct kiln_boot_info {
    uint32_t abi_version;
    uint32_t flags;            /* KILN_BOOT_* */
    uint64_t mem_size;         /* bytes of guest RAM, from guest-physical 0 */
    uint64_t heap_start;       /* first page after the image: brk/mmap from here */
    uint64_t stack_bottom;     /* lowest usable stack byte; guard page below */
    uint64_t stack_top;        /* one past the highest stack byte (== mem_size) */
    uint64_t tsc_hz;           /* guest TSC frequency */
    uint64_t boot_tsc;         /* guest TSC when the clocks below were read */
    int64_t boot_realtime_ns;  /* host CLOCK_REALTIME at boot_tsc */
    int64_t boot_monotonic_ns; /* host CLOCK_MONOTONIC at boot_tsc */
    /* RAM below backed_low_end and from backed_high_start up is usable;
     * the MEMORY call makes more of the middle usable. */
    uint64_t backed_low_end;
    uint64_t backed_high_start;
    uint64_t reserved[5];
};
_Static_assert(sizeof(struct kiln_boot_info) == 128, "kiln_boot_info layout");

/* WRITE and READ: fd 0-2 of the monitor.  result: bytes or -errno. */
struct kiln_hc_io {
    uint32_t fd;
    uint32_t pad;
    uint64_t buf; /* guest-physical */
    uint64_t len;
    int64_t result;
};
_Static_assert(sizeof(struct kiln_hc_io) == 32, "kiln_hc_io layout");

/* WALLTIME: the host's CLOCK_REALTIME. */
struct kiln_hc_walltime {
    int64_t ns;
};
_Static_assert(sizeof(struct kiln_hc_walltime) == 8, "kiln_hc_walltime layout");

/* SLEEP: halt for ns nanoseconds (the monitor may cut it short). */
struct kiln_hc_sleep {
    uint64_t ns;
};
_Static_assert(sizeof(struct kiln_hc_sleep) == 8, "kiln_hc_sleep layout");

/* MEMORY: make guest RAM [start, end) usable before the program touches
 * it.  The monitor backs RAM lazily because KVM (on PVM) spends time in
 * proportion to the RAM it is handed, not to what the guest touches.  On
 * return the fields say what is backed now (at least [start, end)). */
struct kiln_hc_memory {
    uint64_t start;
    uint64_t end;
    uint64_t backed_low_end;    /* out */
    uint64_t backed_high_start; /* out */
};
_Static_assert(sizeof(struct kiln_hc_memory) == 32, "kiln_hc_memory layout");

/* EXIT: the program is done; status is its exit status (low 8 bits kept). */
struct kiln_hc_exit {
    int32_t status;
    uint32_t pad;
};
_Static_assert(sizeof(struct kiln_hc_exit) == 8, "kiln_hc_exit layout");

/* ABORT: the program died on its own; the monitor reports it as a crash. */
struct kiln_hc_abort {
    uint32_t reason; /* KILN_ABORT_* */
    uint32_t detail;
    uint64_t rip;
    uint64_t rsp;
    uint64_t rbp;
};
_Static_assert(sizeof(struct kiln_hc_abort) == 32, "kiln_hc_abort layout");

/* READY: libc is initialized and main is next (made only with
 * KILN_BOOT_SERVE, once).  kiln serve snapshots the VM at this call and
 * resumes every request from it, having written the request's environment
 * into block: a NULL-terminated array of guest pointers to "NAME=VALUE"
 * strings, then the strings.  result: 0, or -errno and block untouched. */
struct kiln_hc_ready {
    uint64_t block; /* guest-physical, 8-byte aligned */
    uint64_t size;
    int64_t result;
};
_Static_assert(sizeof(struct kiln_hc_ready) == 24, "kiln_hc_ready layout");

/* FINISH: EXIT under kiln serve, carrying the last len bytes of stdout,
 * which the runtime gathers instead of writing: an answer costs one exit
 * where WRITE and EXIT cost two.  Made only after READY returned. */
struct kiln_hc_finish {
    int32_t status;
    uint32_t pad;
    uint64_t buf; /* guest-physical */
    uint64_t len;
};
_Static_assert(sizeof(struct kiln_hc_finish) == 24, "kiln_hc_finish layout");

/* Ring the doorbell of call nr with the guest-physical address of its
 * argument struct, which must lie at its type's natural alignment.  The
 * "memory" clobber makes the struct's stores land before the exit and the
 * monitor's answer visible after it. */
static inline void kiln_hypercall(uint32_t nr, uint32_t gpa)
{
    volatile uint32_t *slot =
        (volatile uint32_t *)(uintptr_t)(KILN_DOORBELL_GPA + (uint64_t)nr * KILN_DOORBELL_SLOT);
    __asm__ volatile("movl %1, %0" : "=m"(*slot) : "r"(gpa) : "memory");
}
#endif /* __ASSEMBLER__ */

#endif /* KILN_ABI_H */
