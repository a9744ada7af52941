#include "kvm_device.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "common/report.h"

#define NO_DRIVER_FIX                                                                              \
    "load kvm_intel or kvm_amd (modprobe); if that fails, virtualization is off in the "           \
    "firmware or, inside a VM, nested virtualization is off"

static int refuse_open(int error)
{
    switch (error) {
    case ENOENT:
        return report("%s: not present: load KVM's module (modprobe kvm_intel or kvm_amd); inside "
                      "a VM, a container or WSL2, turn on nested virtualization or pass the "
                      "device in; without KVM, kiln test --vm runs a suite under QEMU",
                      KVM_DEVICE);
    case EACCES:
    case EPERM:
        return report("%s: permission denied for uid %d: join group kvm (usermod -aG kvm USER, "
                      "then log in again), or add the udev rule KERNEL==\"kvm\", GROUP=\"kvm\", "
                      "MODE=\"0666\" (until then: chmod 0666 %s)",
                      KVM_DEVICE, (int)getuid(), KVM_DEVICE);
    case ENXIO:
    case ENODEV:
        return report("%s: no KVM driver behind the device: %s", KVM_DEVICE, NO_DRIVER_FIX);
    default:
        return report("%s: %s", KVM_DEVICE, strerror(error));
    }
}

int kvm_device_open(void)
{
    int fd = open(KVM_DEVICE, O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return refuse_open(errno);
    int version = ioctl(fd, KVM_GET_API_VERSION, 0);
    if (version == KVM_API_VERSION)
        return fd;
    close(fd);
    return report("%s: is not KVM (KVM_GET_API_VERSION says %d, kiln needs %d): %s", KVM_DEVICE,
                  version, KVM_API_VERSION, NO_DRIVER_FIX);
}
