/* Architectural MSR numbers the monitor sets or saves. */
#ifndef KILN_MSRS_H
#define KILN_MSRS_H

#define MSR_IA32_TSC          0x10
#define MSR_IA32_SYSENTER_CS  0x174
#define MSR_IA32_SYSENTER_ESP 0x175
#define MSR_IA32_SYSENTER_EIP 0x176
#define MSR_IA32_DEBUGCTL     0x1d9
#define MSR_IA32_PAT          0x277
#define MSR_STAR              0xc0000081
#define MSR_LSTAR             0xc0000082
#define MSR_CSTAR             0xc0000083
#define MSR_SYSCALL_MASK      0xc0000084
#define MSR_FS_BASE           0xc0000100
#define MSR_KERNEL_GS_BASE    0xc0000102

#endif
