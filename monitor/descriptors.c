#include "descriptors.h"

#include <string.h>

#include <kiln/abi.h>

#define TSS_RSP0           4
#define TSS_IST1           36
#define TSS_IOMAP_BASE     102
#define TSS_TYPE_AVAILABLE 0x9ull
#define GATE_INTERRUPT     0x8E00ull /* present, DPL 0, 64-bit interrupt gate */
#define GATE_RING3         0x6000ull /* DPL 3: int3 may enter it from ring 3 */
#define VECTOR_BREAKPOINT  3
#define GATE_IST1          1ull

static void write_tss(const struct guest_mem *mem)
{
    uint8_t *tss = guest_mem_at(mem, KILN_TSS_GPA, TSS_LIMIT + 1);
    uint64_t stack_top = KILN_RING0_STACK_TOP;
    uint16_t no_io_bitmap = TSS_LIMIT + 1;
    memcpy(tss + TSS_RSP0, &stack_top, sizeof stack_top);
    memcpy(tss + TSS_IST1, &stack_top, sizeof stack_top);
    memcpy(tss + TSS_IOMAP_BASE, &no_io_bitmap, sizeof no_io_bitmap);
}

static void write_gdt(const struct guest_mem *mem)
{
    uint64_t *gdt = guest_mem_at(mem, KILN_GDT_GPA, GDT_LIMIT + 1);
    uint64_t base = KILN_TSS_GPA;
    gdt[0] = 0;
    gdt[KILN_KERNEL_CS / 8] = GDT_KERNEL_CODE;
    gdt[KILN_KERNEL_DS / 8] = GDT_KERNEL_DATA;
    gdt[KILN_USER_DS / 8] = GDT_USER_DATA;
    gdt[KILN_USER_CS / 8] = GDT_USER_CODE;
    /* A 16-byte system descriptor: limit, base 0-23, type, P, base 24-31;
     * then base 32-63. */
    gdt[KILN_TSS_SEL / 8] = TSS_LIMIT | (base & 0xFFFFFF) << 16 | TSS_TYPE_AVAILABLE << 40 |
                            1ull << 47 | (base >> 24 & 0xFF) << 56;
    gdt[KILN_TSS_SEL / 8 + 1] = base >> 32;
}

static void write_idt(const struct guest_mem *mem, uint64_t exception_entries)
{
    uint64_t *idt = guest_mem_at(mem, KILN_IDT_GPA, IDT_LIMIT + 1);
    for (uint64_t vector = 0; vector < KILN_EXCEPTION_VECTORS; vector++) {
        uint64_t target = exception_entries + vector * KILN_EXCEPTION_STUB_SIZE;
        /* As on Linux, int3 at ring 3 is #BP on every back end (a DPL 0
         * gate makes it #GP under SVM and VMX, #BP under PVM): what gdb's
         * breakpoints raise (gdb_stub.c). */
        uint64_t gate = GATE_INTERRUPT | (vector == VECTOR_BREAKPOINT ? GATE_RING3 : 0);
        idt[2 * vector] = (target & 0xFFFF) | (uint64_t)KILN_KERNEL_CS << 16 | GATE_IST1 << 32 |
                          gate << 32 | (target >> 16 & 0xFFFF) << 48;
        idt[2 * vector + 1] = target >> 32;
    }
}

void descriptors_write(const struct guest_mem *mem, uint64_t exception_entries)
{
    write_gdt(mem);
    write_tss(mem);
    write_idt(mem, exception_entries);
}
