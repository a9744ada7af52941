/*
 * monitor_run(): the table of contents of a run.  Check the image, make
 * the VM, boot it, serve it until it ends.
 */
#include "monitor.h"

#include <stdio.h>

#include <kiln/abi.h>

#include "boot.h"
#include "exits.h"
#include "image.h"
#include "syscall_filter.h"
#include "timeout.h"
#include "vm.h"

/* Everything about the guest's memory that can be wrong is found before
 * a VM exists. */
static int check_memory(const struct image *image, uint64_t size)
{
    if (size < KILN_MEM_MIN || size > KILN_MEM_MAX || size % KILN_MEM_ALIGN != 0) {
        fprintf(stderr, "kiln: %s: guest memory of %lu bytes is not a 2 MiB multiple between "
                        "16 MiB and 4 GiB\n", image->name, size);
        return -1;
    }
    return image_check_fits(image, boot_stack_guard(size));
}


struct monitor_result monitor_run(const struct monitor_options *options)
{
    struct monitor_result failed = {.outcome = MONITOR_FAILED};
    const char *name = options->name ? options->name : options->image_path;
    struct image image;
    if (image_open(&image, options->image_path, name) != 0)
        return failed;
    uint64_t mem_size = options->mem_size ? options->mem_size : image.note.default_mem;
    struct vm vm = {
        .name = name,
        .image = &image,
        .kvm_fd = -1,
        .vm_fd = -1,
        .vcpu_fd = -1,
        .stdio = {0, 1, 2},
        .timeout_ms = options->timeout_ms,
        .result = failed,
    };
    if (check_memory(&image, mem_size) == 0 && vm_create(&vm, mem_size) == 0 &&
        boot_guest(&vm, &image, options->argc, options->argv, options->envp) == 0 &&
        timeout_arm(&vm) == 0 && (!options->confine || syscall_filter_install(&vm) == 0))
        exits_run(&vm);
    timeout_disarm(&vm);
    vm_destroy(&vm);
    image_close(&image);
    return vm.result;
}
