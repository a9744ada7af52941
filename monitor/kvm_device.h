/*
 * /dev/kvm, opened once per VM (or per snapshot).  When it cannot be
 * used, the refusal says why in the terms of the most common causes seen
 * on CI machines (no module, a container or WSL without the device, a user
 * outside group kvm, nested virtualization off) and how to fix each.
 */
#ifndef KILN_KVM_DEVICE_H
#define KILN_KVM_DEVICE_H

#define KVM_DEVICE "/dev/kvm"

/* Returns the descriptor of /dev/kvm, or -1 (reported, with the fix). */
int kvm_device_open(void);

#endif
