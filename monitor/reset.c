#include "reset.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <sys/ioctl.h>

#include <kiln/abi.h>

#include "alarm.h"
#include "common/bits.h"
#include "common/report.h"
#include "vcpu_state.h"

static uint64_t page_count(const struct clone *clone)
{
    return clone->vm.mem.size / KILN_PAGE_SIZE;
}

/* Fetches the guest's dirty pages and write-protects them again, so that
 * the next request's first write to each is logged. */
static int take_dirty_log(struct clone *clone)
{
    struct kvm_dirty_log log = {.slot = 0, .dirty_bitmap = clone->dirty};
    if (ioctl(clone->vm.vm_fd, KVM_GET_DIRTY_LOG, &log) != 0)
        return report_errno(clone->vm.name, "KVM_GET_DIRTY_LOG");
    struct kvm_clear_dirty_log clear = {
        .slot = 0,
        .num_pages = (uint32_t)page_count(clone),
        .first_page = 0,
        .dirty_bitmap = clone->dirty,
    };
    if (ioctl(clone->vm.vm_fd, KVM_CLEAR_DIRTY_LOG, &clear) != 0)
        return report_errno(clone->vm.name, "KVM_CLEAR_DIRTY_LOG");
    return 0;
}

/* What a page held at the snapshot: the snapshot's memory, the image
 * file for the embedded files' pages (clone.h), or zeros (NULL). */
static const uint8_t *snapshot_page(const struct snapshot *snap, uint64_t page)
{
    uint64_t gpa = page * KILN_PAGE_SIZE;
    const struct image *image = &snap->image.image;
    if (image_files_hold(&image->files, gpa))
        return image->bytes + image->files.file_offset + (gpa - image->files.gpa);
    return bitmap_test(snap->present, page) ? snap->mem + gpa : NULL;
}

static void restore_page(struct clone *clone, uint64_t page)
{
    uint8_t *to = clone->vm.mem.host + page * KILN_PAGE_SIZE;
    const uint8_t *from = snapshot_page(clone->snapshot, page);
    if (from != NULL)
        memcpy(to, from, KILN_PAGE_SIZE);
    else
        memset(to, 0, KILN_PAGE_SIZE);
}

static long restore_pages(struct clone *clone)
{
    uint64_t *written = clone->vm.mem.written;
    uint64_t words = bitmap_words(page_count(clone));
    long restored = 0;
    for (uint64_t i = 0; i < words; i++) {
        uint64_t pages = clone->dirty[i] | written[i];
        written[i] = 0;
        clone->private_pages += (uint64_t)__builtin_popcountll(pages & ~clone->copied[i]);
        clone->copied[i] |= pages;
        for (; pages != 0; pages &= pages - 1, restored++)
            restore_page(clone, i * BITMAP_WORD_BITS + (uint64_t)__builtin_ctzll(pages));
    }
    return restored;
}

static bool page_marked(const struct clone *clone, uint64_t page)
{
    return bitmap_test(clone->dirty, page) || bitmap_test(clone->vm.mem.written, page);
}

/* Ring-0 code runs only from the image's code (the SYSCALL and exception
 * entries); unless a page of it was written, no code but those entries ran
 * at ring 0, and they change no MSR, XCR0, debug register or page table.
 * A guest that wrote its code may have: copying pages back behind KVM's
 * back would not undo what its MMU cached, so such a VM is rebuilt.  The
 * embedded files share the code's segment but hold no entry (image.c
 * checks): they are data, restored like any page, and skipped here, where
 * 100 MiB of them cost 25600 tests per request. */
static bool code_written(const struct clone *clone)
{
    const struct snapshot *snap = clone->snapshot;
    const struct image_files *files = &snap->image.image.files;
    for (uint64_t gpa = snap->code_start; gpa < snap->code_end; gpa += KILN_PAGE_SIZE) {
        if (image_files_hold(files, gpa))
            gpa = files->gpa + files->size - KILN_PAGE_SIZE;
        else if (page_marked(clone, gpa / KILN_PAGE_SIZE))
            return true;
    }
    return false;
}

static void reset_run_state(struct clone *clone)
{
    struct vm *vm = &clone->vm;
    vm->stopped = false;
    vm->result = (struct monitor_result){.outcome = MONITOR_FAILED};
    alarm_reset(vm);
}

long reset_clone(struct clone *clone)
{
    if (take_dirty_log(clone) != 0)
        return -1;
    if (code_written(clone)) {
        report("%s: the function wrote to its own code; its VM is rebuilt", clone->vm.name);
        return -1;
    }
    long restored = restore_pages(clone);
    if (vcpu_state_load_user(&clone->vm, &clone->snapshot->vcpu) != 0)
        return -1;
    reset_run_state(clone);
    return restored;
}
