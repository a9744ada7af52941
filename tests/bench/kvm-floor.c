/*
 * The floor: the least a KVM program does to run 64-bit guest code.  Open
 * /dev/kvm, make a VM with one vCPU and 2 MiB of RAM, enter long mode with
 * one identity-mapped 2 MiB page, run `out` then `hlt`, exit.  make bench
 * times kiln's whole `kiln run` process against this whole process.
 */
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#define RAM_SIZE              (2u << 20)
#define PML4_GPA              0x1000
#define PDPT_GPA              0x2000
#define PD_GPA                0x3000
#define CODE_GPA              0x8000
#define PAGE_PRESENT_WRITABLE 0x3
#define PAGE_LARGE            0x80

static int fail(const char *what)
{
    perror(what);
    return 1;
}

static void write_page_tables(uint8_t *ram)
{
    uint64_t pml4e = PDPT_GPA | PAGE_PRESENT_WRITABLE;
    uint64_t pdpte = PD_GPA | PAGE_PRESENT_WRITABLE;
    uint64_t pde = 0 | PAGE_PRESENT_WRITABLE | PAGE_LARGE;
    memcpy(ram + PML4_GPA, &pml4e, 8);
    memcpy(ram + PDPT_GPA, &pdpte, 8);
    memcpy(ram + PD_GPA, &pde, 8);
}

static int enter_long_mode(int vcpu)
{
    struct kvm_sregs sregs;
    if (ioctl(vcpu, KVM_GET_SREGS, &sregs) != 0)
        return -1;
    struct kvm_segment code = {
        .limit = 0xffffffff, .selector = 0x8, .type = 11, .present = 1, .s = 1, .l = 1, .g = 1};
    struct kvm_segment data = {
        .limit = 0xffffffff, .selector = 0x10, .type = 3, .present = 1, .s = 1, .db = 1, .g = 1};
    sregs.cs = code;
    sregs.ds = sregs.es = sregs.fs = sregs.gs = sregs.ss = data;
    sregs.cr3 = PML4_GPA;
    sregs.cr4 = 1u << 5;             /* PAE */
    sregs.cr0 = 1u | 1u << 31;       /* PE, PG */
    sregs.efer = 1u << 8 | 1u << 10; /* LME, LMA */
    return ioctl(vcpu, KVM_SET_SREGS, &sregs);
}

int main(void)
{
    /* mov $0x3f8, %dx; mov $'!', %al; out %al, (%dx); hlt */
    static const uint8_t code[] = {0x66, 0xba, 0xf8, 0x03, 0xb0, '!', 0xee, 0xf4};
    int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (kvm < 0)
        return fail("/dev/kvm");
    int vm = ioctl(kvm, KVM_CREATE_VM, 0);
    uint8_t *ram = mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (vm < 0 || ram == MAP_FAILED)
        return fail("creating the VM");
    write_page_tables(ram);
    memcpy(ram + CODE_GPA, code, sizeof code);
    struct kvm_userspace_memory_region slot = {.memory_size = RAM_SIZE,
                                               .userspace_addr = (uint64_t)(uintptr_t)ram};
    int vcpu =
        ioctl(vm, KVM_SET_USER_MEMORY_REGION, &slot) == 0 ? ioctl(vm, KVM_CREATE_VCPU, 0) : -1;
    int run_size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
    struct kvm_run *run =
        vcpu < 0 || run_size <= 0
            ? MAP_FAILED
            : mmap(NULL, (size_t)run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
    if (run == MAP_FAILED || enter_long_mode(vcpu) != 0)
        return fail("creating the vCPU");
    struct kvm_regs regs = {.rip = CODE_GPA, .rsp = RAM_SIZE, .rflags = 2};
    if (ioctl(vcpu, KVM_SET_REGS, &regs) != 0)
        return fail("KVM_SET_REGS");
    for (;;) {
        if (ioctl(vcpu, KVM_RUN, 0) != 0)
            return fail("KVM_RUN");
        if (run->exit_reason == KVM_EXIT_HLT)
            return 0;
        if (run->exit_reason != KVM_EXIT_IO)
            return fail("unexpected exit");
        if (write(1, (char *)run + run->io.data_offset, 1) != 1)
            return fail("write");
    }
}
