/*
 * The vCPU's registers as GDB's amd64 target sees them: the order and
 * sizes of the 'g' packet, and the target description (target.xml) that
 * tells gdb so: the core registers (general, rip, eflags, segment
 * selectors, x87), the SSE ones, and the FS and GS bases, which TLS needs.
 */
#ifndef KILN_GDB_REGS_H
#define KILN_GDB_REGS_H

#include <linux/kvm.h>
#include <stddef.h>

/* What gdb reads and writes of one vCPU. */
struct gdb_cpu {
    struct kvm_regs regs;
    struct kvm_sregs sregs;
    struct kvm_fpu fpu;
};

/* Bytes of all registers in a 'g' packet, and hex digits to hold them. */
#define GDB_REGS_BYTES 552
#define GDB_REGS_HEX   (2 * GDB_REGS_BYTES + 1)

/* Writes every register in target.xml's order as hex into out. */
void gdb_regs_encode(const struct gdb_cpu *cpu, char out[GDB_REGS_HEX]);

/* Reads a 'G' packet's hex into cpu: 0, or -1 when it is not one. */
int gdb_regs_decode(struct gdb_cpu *cpu, const char *hex);

/* One register ('p'/'P'): its hex into out (at least 33 bytes), or a
 * new value from hex.  -1 for a number gdb has no register at. */
int gdb_reg_encode(const struct gdb_cpu *cpu, unsigned number, char *out);
int gdb_reg_decode(struct gdb_cpu *cpu, unsigned number, const char *hex);

/* target.xml, whole. */
const char *gdb_target_xml(void);

#endif
