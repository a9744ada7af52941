/*
 * The bytes of an ELF core file as gdb reads a Linux x86-64 one: an ELF
 * header, a PT_NOTE with the thread's registers (NT_PRSTATUS, whose
 * pr_reg is a struct user_regs_struct), the process's name
 * (NT_PRPSINFO) and its x87/SSE state (NT_FPREGSET), then a PT_LOAD for
 * each stretch of guest RAM, at its guest address (the program is
 * identity-mapped: its virtual addresses are guest-physical ones).
 * Pages that hold only zeros go in as PT_LOADs with no bytes in the
 * file, as Linux writes the pages it leaves out, so a core of a guest
 * with gigabytes of RAM holds only what the guest wrote.  Knows no VM:
 * unit-tested on plain memory.
 */
#ifndef KILN_CORE_ELF_H
#define KILN_CORE_ELF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/user.h>

#include "guest_mem.h"

/* What the notes say of the guest. */
struct core_state {
    struct user_regs_struct regs;
    struct user_fpregs_struct fpregs;
    bool has_fpregs;
    int signal;    /* what gdb says the program died of */
    char name[16]; /* NT_PRPSINFO's: the image file's name ... */
    char args[80]; /* ... and the program's command line, cut to fit */
};

/* Zero pages in a run shorter than this go into the file as bytes: it
 * costs at most 256 KiB a run, and keeps 4 GiB of RAM under about 35 000
 * segments, well below ELF's 65 535 program headers. */
#define CORE_ZERO_RUN 64

/* A stretch of guest RAM: its bytes, or zero pages (none in the file). */
struct core_segment {
    uint64_t gpa;
    uint64_t size;
    bool zero;
};

struct core_segments {
    struct core_segment *list;
    size_t count;
    size_t capacity;
};

/* Adds [start, end) of mem, page-aligned, as segments split where
 * CORE_ZERO_RUN or more zero pages lie.  Returns 0, or -ENOMEM, or
 * -EFAULT when the range leaves mem. */
int core_segments_add(struct core_segments *segments, const struct guest_mem *mem, uint64_t start,
                      uint64_t end);

void core_segments_free(struct core_segments *segments);

/* Writes the core to fd, from its start, with write(2) alone (the run
 * loop's seccomp filter allows nothing more).  Returns 0, or -errno. */
int core_elf_write(int fd, const struct core_state *state, const struct core_segments *segments,
                   const struct guest_mem *mem);

#endif
