/*
 * The host/guest contract of kiln: the only header both sides of the VM
 * boundary include.  Numbers here are never reused; new hypercalls and
 * fields are appended.  Every struct has explicit widths, explicit padding
 * and a size assert.  Assembler-safe above the C-only part.
 */
#ifndef KILN_ABI_H
#define KILN_ABI_H

#define KILN_ABI_VERSION 5

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

/* The KILN ELF note (PT_NOTE): name "KILN", type KILN_NOTE_TYPE.  An
 * image made from a Linux program kiln did not link (kiln build --elf)
 * carries a second note, KILN_NOTE_PROGRAM, in a PT_NOTE of its own. */
#define KILN_NOTE_NAME    "KILN"
#define KILN_NOTE_TYPE    1
#define KILN_NOTE_PROGRAM 2

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
#define KILN_HC_OPEN     9 /* volumes: see "Volumes" below */
#define KILN_HC_CLOSE    10
#define KILN_HC_PREAD    11
#define KILN_HC_PWRITE   12
#define KILN_HC_STAT     13
#define KILN_HC_DIRENTS  14
#define KILN_HC_FILE     15
#define KILN_HC_PATH     16
#define KILN_HC_ALARM    17 /* threads and signals: see "Upcalls" below */
#define KILN_HC_WAIT     18
#define KILN_HC_SYSCALL  19 /* kiln run --strace */
#define KILN_HC_STUCK    20
#define KILN_HC_COUNT    21

/* kiln_boot_info.flags */
#define KILN_BOOT_SERVE   0x1 /* kiln serve: make READY just before main */
#define KILN_BOOT_STRACE  0x2 /* report every system call (SYSCALL) */
#define KILN_BOOT_ENOSYS  0x4 /* report the system calls that answer ENOSYS */
#define KILN_BOOT_SIGNALS 0x8 /* signals sent to kiln are the program's (host_signals) */

/* Upcalls: the monitor moves the program at ring 3 into the runtime's
 * upcall entry (struct kiln_events) for a reason. */
#define KILN_UPCALL_FAULT 1 /* an exception the runtime asked for (fault_vectors) */
#define KILN_UPCALL_TIMER 2 /* the ALARM deadline or a tick passed */

/* kiln_hc_wait.flags and .ready */
#define KILN_WAIT_STDIN 0x1

/* Reasons an ABORT hypercall gives. */
#define KILN_ABORT_SIGNAL  1 /* the program raised a fatal signal: detail = signo */
#define KILN_ABORT_RUNTIME 2 /* the runtime hit an impossible state: detail = code */

/* The embedded files: one read-only blob in the image's .kiln_files
 * section (page-aligned, at the end of the text segment), read in
 * place between the linker's __kiln_files_start and __kiln_files_end.  An
 * image without files has an empty section.  After the header come
 * entry_count entries in breadth-first order: entry 0 is the root, and the
 * children of a folder are consecutive and sorted bytewise by name, so a
 * lookup is one binary search per path component.  Names are not
 * NUL-terminated.  File data starts on a page boundary (relative to the
 * header, itself page-aligned), so mmap of a file can use its pages. */
#define KILN_FILES_MAGIC    0x31534c49464e4c4bull /* "KLNFILS1", little-endian */
#define KILN_FILES_SECTION  ".kiln_files"
#define KILN_FILES_NAME_MAX 255

/* Volumes: host folders given with kiln run -v HOST:GUEST[:ro], served by
 * the monitor.  The runtime resolves a path down to a volume's GUEST
 * folder and hands the rest (relative, as the program wrote it) to the
 * monitor, which resolves it beneath HOST whatever its ".." and symlinks
 * say.  A volume at GUEST "/", the root volume, lies beneath the image's
 * files and the other volumes: it gets the paths they do not name
 * (runtime/fs_walk.h).  An in-memory volume (kiln run --tmpfs GUEST) is
 * an empty folder the runtime keeps in guest memory; the monitor serves
 * no call for it. */
#define KILN_VOLUME_MAX       16
#define KILN_VOLUME_READ_ONLY 0x1  /* kiln_volume.flags: writes answer EROFS */
#define KILN_VOLUME_MEMORY    0x2  /* kiln_volume.flags: in guest memory, no host folder */
#define KILN_PATH_MAX         4096 /* bytes of a path, NUL included, as Linux */
#define KILN_HANDLES_MAX      256  /* open volume files per VM: more is EMFILE */

/* KILN_HC_STAT flags */
#define KILN_STAT_HANDLE   0x1 /* stat the open handle, not a path */
#define KILN_STAT_NOFOLLOW 0x2 /* lstat: a final symlink is not followed */

/* KILN_HC_FILE operations on an open handle */
#define KILN_FILE_TRUNCATE 1 /* arg: the new size */
#define KILN_FILE_SYNC     2
#define KILN_FILE_REWIND   3 /* a folder: the next DIRENTS starts over */

/* KILN_HC_PATH operations on paths beneath a volume */
#define KILN_PATH_MKDIR    1 /* mode */
#define KILN_PATH_UNLINK   2
#define KILN_PATH_RMDIR    3
#define KILN_PATH_RENAME   4 /* path -> path2 (same volume); flags: RENAME_* */
#define KILN_PATH_SYMLINK  5 /* path: the new link; path2: its target text */
#define KILN_PATH_READLINK 6 /* path2/path2_len: the buffer; result: bytes */
#define KILN_PATH_TRUNCATE 7 /* arg[0]: the new size */
#define KILN_PATH_UTIMENS  8 /* arg[0], arg[1]: atime, mtime (KILN_TIME_*); AT_SYMLINK_NOFOLLOW */
#define KILN_PATH_CHMOD    9 /* mode */

#define KILN_TIME_NOW  0x7fffffffffffffffll
#define KILN_TIME_OMIT 0x7ffffffffffffffell

#ifndef __ASSEMBLER__
#include <stdint.h>

/* Descriptor of the KILN note.  The linker fills the entry addresses. */
struct kiln_note {
    uint32_t abi_version;
    uint32_t flags;
    uint64_t default_mem;       /* bytes of guest RAM unless --mem says */
    uint64_t syscall_entry;     /* ring-0 SYSCALL target (LSTAR) */
    uint64_t exception_entries; /* first of KILN_EXCEPTION_VECTORS stubs */
    uint64_t events;            /* struct kiln_events, in the image's data */
    uint64_t reserved;
};
_Static_assert(sizeof(struct kiln_note) == 48, "kiln_note layout");

/* Descriptor of the KILN_NOTE_PROGRAM note: where the builder placed the
 * program, as the kernel's execve would have, for its auxiliary vector.
 * The image's ELF entry is where the vCPU starts: the interpreter's entry
 * for a dynamic program, the program's own otherwise. */
struct kiln_program_note {
    uint64_t entry;       /* AT_ENTRY: the program's entry, relocated */
    uint64_t phdr;        /* AT_PHDR: its program headers, in guest memory */
    uint32_t phdr_count;  /* AT_PHNUM */
    uint32_t phdr_size;   /* AT_PHENT */
    uint64_t interp_base; /* AT_BASE: where the interpreter lies, or 0 */
};
_Static_assert(sizeof(struct kiln_program_note) == 32, "kiln_program_note layout");

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
    uint64_t volumes; /* guest-physical struct kiln_volume_table, or 0 */
    uint64_t execfn;  /* the program's path (AT_EXECFN), NUL-terminated */
    uint64_t reserved[3];
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

/* The embedded files' header, at __kiln_files_start. */
struct kiln_files_header {
    uint64_t magic;       /* KILN_FILES_MAGIC */
    uint32_t entry_count; /* at least 1: the root */
    uint32_t pad;
    uint64_t names_offset; /* from the header */
    uint64_t names_size;
    uint64_t size; /* of the whole blob, file data included */
    uint64_t reserved;
};
_Static_assert(sizeof(struct kiln_files_header) == 48, "kiln_files_header layout");

/* One file, folder or symlink.  Hard links are entries that share ino
 * and data. */
struct kiln_files_entry {
    uint32_t mode;        /* S_IFREG, S_IFDIR or S_IFLNK, and permission bits */
    uint32_t parent;      /* the containing folder's index; the root's is 0 */
    uint32_t name_offset; /* into the names; the root's name is empty */
    uint32_t name_len;    /* 1 to KILN_FILES_NAME_MAX, 0 for the root */
    uint32_t first_child; /* folders: index of the first child */
    uint32_t child_count; /* folders: how many */
    uint32_t nlink;       /* folders: 2 + subfolders; files: their links */
    uint32_t ino;         /* 1 + the index of the first entry with this data */
    uint64_t size;        /* files: bytes; symlinks: the target's length */
    uint64_t data_offset; /* from the header: file bytes or symlink target */
};
_Static_assert(sizeof(struct kiln_files_entry) == 48, "kiln_files_entry layout");

/* boot_info.volumes points here: written by the monitor next to the
 * initial stack when the run has volumes or a working folder. */
struct kiln_volume {
    uint32_t flags;    /* KILN_VOLUME_* */
    uint32_t path_len; /* of the guest folder, no NUL */
    uint64_t path;     /* guest-physical: absolute, normalized; "/": the root volume */
};
_Static_assert(sizeof(struct kiln_volume) == 16, "kiln_volume layout");

struct kiln_volume_table {
    uint32_t count;       /* volumes[0..count): the index is the volume's number */
    uint32_t workdir_len; /* 0: the program starts in "/" */
    uint64_t workdir;     /* guest-physical, absolute */
    struct kiln_volume volumes[KILN_VOLUME_MAX];
};
_Static_assert(sizeof(struct kiln_volume_table) == 16 + 16 * KILN_VOLUME_MAX,
               "kiln_volume_table layout");

/* A file's metadata as the monitor reports it for a volume. */
struct kiln_stat {
    uint64_t ino;
    uint64_t size;
    uint64_t blocks; /* of 512 bytes */
    uint32_t mode;
    uint32_t nlink;
    int64_t atime_ns;
    int64_t mtime_ns;
    int64_t ctime_ns;
};
_Static_assert(sizeof(struct kiln_stat) == 56, "kiln_stat layout");

/* OPEN: path, relative to the volume's folder, with Linux's x86-64 open
 * flags (O_CREAT, O_EXCL, O_TRUNC, O_APPEND, O_DIRECTORY, O_NOFOLLOW...)
 * and mode.  result: a handle (0 to KILN_HANDLES_MAX - 1), or -errno. */
struct kiln_hc_open {
    uint32_t volume;
    uint32_t flags;
    uint32_t mode;
    uint32_t pad;
    uint64_t path; /* guest-physical, path_len bytes, no NUL needed */
    uint64_t path_len;
    int64_t result;
};
_Static_assert(sizeof(struct kiln_hc_open) == 40, "kiln_hc_open layout");

/* CLOSE: the handle is free again.  result: 0 or -errno. */
struct kiln_hc_close {
    uint32_t handle;
    uint32_t pad;
    int64_t result;
};
_Static_assert(sizeof(struct kiln_hc_close) == 16, "kiln_hc_close layout");

/* PREAD and PWRITE: at offset, whatever the handle's O_APPEND says (the
 * runtime keeps positions).  result: bytes, or -errno. */
struct kiln_hc_file_io {
    uint32_t handle;
    uint32_t pad;
    uint64_t buf; /* guest-physical */
    uint64_t len;
    uint64_t offset;
    int64_t result;
};
_Static_assert(sizeof(struct kiln_hc_file_io) == 40, "kiln_hc_file_io layout");

/* STAT: of a path beneath a volume or, with KILN_STAT_HANDLE, of a handle.
 * result: 0 with *stat written, or -errno. */
struct kiln_hc_stat {
    uint32_t volume;
    uint32_t handle;
    uint32_t flags; /* KILN_STAT_* */
    uint32_t pad;
    uint64_t path; /* guest-physical */
    uint64_t path_len;
    uint64_t stat; /* guest-physical struct kiln_stat */
    int64_t result;
};
_Static_assert(sizeof(struct kiln_hc_stat) == 48, "kiln_hc_stat layout");

/* DIRENTS: the folder handle's next entries as Linux's getdents64 writes
 * them (struct linux_dirent64).  result: bytes, 0 at the end, or -errno. */
struct kiln_hc_dirents {
    uint32_t handle;
    uint32_t pad;
    uint64_t buf; /* guest-physical */
    uint64_t len;
    int64_t result;
};
_Static_assert(sizeof(struct kiln_hc_dirents) == 32, "kiln_hc_dirents layout");

/* FILE: a KILN_FILE_* operation on a handle.  result: 0 or -errno. */
struct kiln_hc_file {
    uint32_t handle;
    uint32_t op;
    uint64_t arg;
    int64_t result;
};
_Static_assert(sizeof(struct kiln_hc_file) == 24, "kiln_hc_file layout");

/* PATH: a KILN_PATH_* operation on paths beneath a volume.  result: 0
 * (READLINK: bytes) or -errno. */
struct kiln_hc_path {
    uint32_t op;
    uint32_t volume;
    uint32_t mode;
    uint32_t flags;
    uint64_t path; /* guest-physical */
    uint64_t path_len;
    uint64_t path2; /* guest-physical */
    uint64_t path2_len;
    int64_t arg[2];
    int64_t result;
};
_Static_assert(sizeof(struct kiln_hc_path) == 72, "kiln_hc_path layout");

/* A program's registers where an upcall stopped it. */
struct kiln_regs {
    uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp, rsp;
    uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
    uint64_t rip, rflags;
};
_Static_assert(sizeof(struct kiln_regs) == 144, "kiln_regs layout");

/* Shared by the runtime and the monitor, in the image's writable data (the
 * note says where), so kiln serve's reset restores it with the rest.
 * Threads and signals live at ring 3; the monitor only interrupts: for an
 * exception whose vector is in fault_vectors, or when the ALARM deadline or
 * a tick passes, it saves the program's registers in regs, sets RSP to
 * stack_top and RIP to entry at ring 3, and sets busy.  While busy is
 * set, or RIP lies in [resume_start, resume_end) (where the runtime puts
 * registers back) or in [trampolines_start, trampolines_end) (a system
 * call on its way in: musl checks where a cancelled thread stopped), or the
 * vCPU is at ring 0, a timer upcall waits: the monitor sets pending, which
 * the runtime checks on its way out.  With KILN_BOOT_SIGNALS, a signal sent
 * to kiln sets its bit in host_signals and makes a timer upcall; the
 * runtime takes the bits with one atomic exchange on its way out of a
 * system call or an upcall and after a WAIT, which the signal cuts short,
 * and sends them to the program as kill(2) from another process would. */
struct kiln_events {
    uint64_t entry; /* the runtime's, fixed at link time */
    uint64_t stack_top;
    uint64_t resume_start;
    uint64_t resume_end;
    uint64_t trampolines_start;
    uint64_t trampolines_end;
    uint64_t fault_vectors; /* bit v: exception v goes to the runtime */
    uint32_t busy;          /* the runtime is running */
    uint32_t pending;       /* a timer upcall waited for busy to clear */
    uint32_t ticks;         /* nonzero: ticks upcall too (threads share the CPU) */
    uint32_t reason;        /* KILN_UPCALL_*, with the fields below */
    uint32_t vector;
    uint32_t host_signals; /* bit sig - 1: kiln was sent signal sig (1-32) */
    uint64_t error;        /* the exception's error code */
    uint64_t address;      /* CR2, for a page fault */
    struct kiln_regs regs;
};
_Static_assert(sizeof(struct kiln_events) == 96 + 144, "kiln_events layout");

/* ALARM: upcall KILN_UPCALL_TIMER in ns nanoseconds (0: no deadline) and
 * then every tick_ns while kiln_events.ticks is set (0: no ticks).  Each
 * call replaces the last. */
struct kiln_hc_alarm {
    uint64_t ns;
    uint64_t tick_ns;
};
_Static_assert(sizeof(struct kiln_hc_alarm) == 16, "kiln_hc_alarm layout");

/* WAIT: halt up to ns nanoseconds (0: only look), or until what flags
 * name (KILN_WAIT_STDIN: input to read, or its end) is ready.  ready:
 * what is. */
struct kiln_hc_wait {
    uint64_t ns;
    uint32_t flags;
    uint32_t ready;
};
_Static_assert(sizeof(struct kiln_hc_wait) == 16, "kiln_hc_wait layout");

/* SYSCALL: one system call the program made, with its answer, made after
 * the call (before it, for calls that do not return: exit, exit_group,
 * rt_sigreturn); tid is the calling thread.  Buffers and strings the
 * arguments point at are read from guest memory as they are now. */
struct kiln_hc_syscall {
    uint64_t nr;
    uint64_t args[6];
    int64_t result;
    uint32_t tid;
    uint32_t threads; /* live threads: strace names the caller when > 1 */
};
_Static_assert(sizeof(struct kiln_hc_syscall) == 72, "kiln_hc_syscall layout");

/* STUCK: every thread waits on something nothing can bring; text (one
 * line, no newline) says what each waits on.  The monitor reports it and
 * ends the run. */
struct kiln_hc_stuck {
    uint64_t text; /* guest-physical */
    uint64_t len;
};
_Static_assert(sizeof(struct kiln_hc_stuck) == 16, "kiln_hc_stuck layout");

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
