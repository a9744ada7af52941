/*
 * kiln test --vm: the same suite, run by the same kiln inside a QEMU guest
 * whose emulated CPU gives it nested KVM (kiln-vm, beside kiln), for hosts
 * without a usable /dev/kvm.  What the suite writes (the cache, --junit's
 * file, read-write volumes) is shared with the guest read-write, so it
 * lands on the host.
 */
#ifndef KILN_SUITE_VM_H
#define KILN_SUITE_VM_H

#include "options.h"

/* Replaces kiln with kiln-vm running "kiln test" on argv (kiln test's,
 * argv[0] "test") less --vm.  Returns only when that fails: an exit code
 * (reported). */
int suite_vm_exec(const struct test_args *args, int argc, char **argv);

#endif
