/*
 * GDT, TSS and IDT, written from the host.  The selectors are the ABI's
 * (KILN_KERNEL_CS ... KILN_TSS_SEL); every IDT gate sends its vector to the
 * image's exception stub on the IST1 stack, since a fault at ring 0 would
 * otherwise keep the (possibly broken) user stack.
 */
#ifndef KILN_DESCRIPTORS_H
#define KILN_DESCRIPTORS_H

#include <stdint.h>

#include "guest_mem.h"

#define GDT_ENTRIES 7 /* null, kernel code, kernel data, user data, user code, TSS (2) */
#define GDT_LIMIT   (GDT_ENTRIES * 8 - 1)
#define IDT_LIMIT   (256 * 16 - 1)
#define TSS_LIMIT   103

/* Segment descriptors as the CPU reads them (flat, 64-bit). */
#define GDT_KERNEL_CODE 0x00AF9A000000FFFFull
#define GDT_KERNEL_DATA 0x00CF92000000FFFFull
#define GDT_USER_DATA   0x00CFF2000000FFFFull
#define GDT_USER_CODE   0x00AFFA000000FFFFull

void descriptors_write(const struct guest_mem *mem, uint64_t exception_entries);

#endif
