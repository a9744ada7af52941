#include "hypercall_args.h"

#include <kiln/abi.h>

/* Why [gpa, gpa + len) is no place for a call's data, or NULL if it is
 * fine.  The first MiB holds the page tables, descriptors and boot info,
 * which ring 3 cannot write: the monitor must not write them for it. */
static const char *range_refused(const struct vm *vm, uint64_t gpa, uint64_t len)
{
    if (guest_mem_at(&vm->mem, gpa, len) == NULL)
        return "is outside guest memory";
    if (gpa < KILN_IMAGE_BASE)
        return "lies in the first MiB, which kiln reserves";
    return NULL;
}

/* for_write: the monitor fills it (kiln serve's resets must know, see
 * guest_mem.h). */
void *hypercall_range(struct vm *vm, const char *call, const char *what, uint64_t gpa, uint64_t len,
                      bool for_write)
{
    const char *refused = range_refused(vm, gpa, len);
    if (refused == NULL)
        return for_write ? guest_mem_for_write(&vm->mem, gpa, len)
                         : guest_mem_at(&vm->mem, gpa, len);
    vm_crash(vm, "%s hypercall: %s at 0x%lx (%lu bytes) %s", call, what, gpa, len, refused);
    return NULL;
}

/* A misaligned block would have the monitor access its fields
 * misaligned, which C leaves undefined; no compiler puts a struct there. */
void *hypercall_args(struct vm *vm, const char *call, uint32_t gpa, uint64_t len, uint64_t align)
{
    if (gpa % align != 0) {
        vm_crash(vm, "%s hypercall: argument block at 0x%x is not %lu-byte aligned", call, gpa,
                 align);
        return NULL;
    }
    return hypercall_range(vm, call, "argument block", gpa, len, true);
}
