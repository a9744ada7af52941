#include "cpu.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include <kiln/abi.h>

#include "common/report.h"
#include "descriptors.h"
#include "msrs.h"

#define CR0_PE         (1ull << 0)
#define CR0_MP         (1ull << 1)
#define CR0_ET         (1ull << 4)
#define CR0_NE         (1ull << 5)
#define CR0_WP         (1ull << 16)
#define CR0_PG         (1ull << 31)
#define CR4_PAE        (1ull << 5)
#define CR4_OSFXSR     (1ull << 9)
#define CR4_OSXMMEXCPT (1ull << 10)
#define CR4_FSGSBASE   (1ull << 16)
#define EFER_SCE       (1ull << 0)
#define EFER_LME       (1ull << 8)
#define EFER_LMA       (1ull << 10)
#define EFER_NXE       (1ull << 11)

/* SYSCALL loads CS/SS from STAR[47:32]; SYSRET from STAR[63:48]. */
#define STAR_VALUE ((uint64_t)(KILN_USER_DS - 8 - 3) << 48 | (uint64_t)KILN_KERNEL_CS << 32)
/* What Linux clears on SYSCALL: TF DF IF IOPL AC NT. */
#define SYSCALL_MASK 0x47700ull

static struct kvm_segment flat_segment(uint16_t selector, uint8_t type, uint8_t dpl)
{
    return (struct kvm_segment){
        .base = 0,
        .limit = 0xffffffff,
        .selector = selector,
        .type = type,
        .present = 1,
        .dpl = dpl,
        .s = 1,
        .g = 1,
    };
}

void cpu_user_segments(struct kvm_sregs *sregs)
{
    sregs->cs = flat_segment(KILN_USER_CS, 11, 3);
    sregs->cs.l = 1;
    sregs->ss = flat_segment(KILN_USER_DS, 3, 3);
    sregs->ss.db = 1;
}

static int set_sregs(const struct vm *vm, const struct cpu_start *start)
{
    struct kvm_sregs sregs;
    if (ioctl(vm->vcpu_fd, KVM_GET_SREGS, &sregs) != 0)
        return report("KVM_GET_SREGS: %s", strerror(errno));
    cpu_user_segments(&sregs);
    sregs.ds = sregs.es = sregs.fs = sregs.gs = flat_segment(0, 3, 3);
    sregs.tr = (struct kvm_segment){
        .base = KILN_TSS_GPA,
        .limit = TSS_LIMIT,
        .selector = KILN_TSS_SEL,
        .type = 11,
        .present = 1,
    };
    sregs.gdt = (struct kvm_dtable){.base = KILN_GDT_GPA, .limit = GDT_LIMIT};
    sregs.idt = (struct kvm_dtable){.base = KILN_IDT_GPA, .limit = IDT_LIMIT};
    sregs.cr0 = CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_WP | CR0_PG;
    sregs.cr3 = start->cr3;
    sregs.cr4 = CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT | CR4_FSGSBASE;
    sregs.efer = EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE;
    if (ioctl(vm->vcpu_fd, KVM_SET_SREGS, &sregs) != 0)
        return report("KVM_SET_SREGS: %s", strerror(errno));
    return 0;
}

static int set_msrs(const struct vm *vm, const struct cpu_start *start)
{
    static const uint32_t indices[] = {MSR_STAR, MSR_LSTAR, MSR_SYSCALL_MASK, MSR_FS_BASE,
                                       MSR_KERNEL_GS_BASE};
    const uint64_t values[] = {STAR_VALUE, start->syscall_entry, SYSCALL_MASK, 0, 0};
    enum { COUNT = sizeof indices / sizeof indices[0] };
    struct {
        struct kvm_msrs header;
        struct kvm_msr_entry entries[COUNT];
    } msrs = {.header.nmsrs = COUNT};
    for (int i = 0; i < COUNT; i++)
        msrs.entries[i] = (struct kvm_msr_entry){.index = indices[i], .data = values[i]};
    if (ioctl(vm->vcpu_fd, KVM_SET_MSRS, &msrs) != COUNT)
        return report("KVM_SET_MSRS: %s", strerror(errno));
    return 0;
}

static int set_regs(const struct vm *vm, const struct cpu_start *start)
{
    struct kvm_regs regs = {.rip = start->entry, .rsp = start->rsp, .rflags = RFLAGS_RESERVED};
    if (ioctl(vm->vcpu_fd, KVM_SET_REGS, &regs) != 0)
        return report("KVM_SET_REGS: %s", strerror(errno));
    return 0;
}

int cpu_setup(struct vm *vm, const struct cpu_start *start)
{
    if (set_sregs(vm, start) != 0 || set_msrs(vm, start) != 0)
        return -1;
    return set_regs(vm, start);
}

uint64_t cpu_guest_tsc(const struct vm *vm)
{
    struct {
        struct kvm_msrs header;
        struct kvm_msr_entry entry;
    } tsc = {.header.nmsrs = 1, .entry.index = MSR_IA32_TSC};
    return ioctl(vm->vcpu_fd, KVM_GET_MSRS, &tsc) == 1 ? tsc.entry.data : 0;
}

uint64_t cpu_tsc_hz(const struct vm *vm)
{
    int khz = ioctl(vm->vcpu_fd, KVM_GET_TSC_KHZ, 0);
    return khz > 0 ? (uint64_t)khz * 1000 : 0;
}
