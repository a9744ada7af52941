/*
 * monitor_run(): the table of contents of a run.  Check the image, make
 * the VM, boot it, serve it until it ends.
 */
#include "monitor.h"

#include <stdio.h>

#include <kiln/abi.h>

#include "boot.h"
#include "exits.h"
#include "prepared_image.h"
#include "timeout.h"
#include "vm.h"

static int check_mem_size(const char *name, uint64_t size)
{
    if (size >= KILN_MEM_MIN && size <= KILN_MEM_MAX && size % KILN_MEM_ALIGN == 0)
        return 0;
    fprintf(stderr, "kiln: %s: guest memory of %lu bytes is not a 2 MiB multiple between "
                    "16 MiB and 4 GiB\n", name, size);
    return -1;
}

struct monitor_result monitor_run(const struct monitor_options *options)
{
    struct monitor_result failed = {.outcome = MONITOR_FAILED};
    const char *name = options->name ? options->name : options->image_path;
    struct trace trace = {0};
    struct trace *tracing = options->trace_boot ? &trace : NULL;
    trace_start(tracing);
    struct prepared_image image;
    if (prepared_image_open(&image, options, name) != 0)
        return failed;
    trace_mark(tracing, TRACE_IMAGE);
    uint64_t mem_size = options->mem_size ? options->mem_size : image.image.note.default_mem;
    struct vm vm = {
        .name = name,
        .kvm_fd = -1,
        .vm_fd = -1,
        .vcpu_fd = -1,
        .stdio = {0, 1, 2},
        .timeout_ms = options->timeout_ms,
        .result = failed,
        .trace = tracing,
        .cache_dir = options->cache_dir,
    };
    if (check_mem_size(vm.name, mem_size) == 0 && vm_create(&vm, mem_size) == 0 &&
        boot_guest(&vm, &image, options->argc, options->argv, options->envp) == 0 &&
        timeout_arm(&vm) == 0) {
        prepared_image_keep(&image, &vm.mem);
        exits_run(&vm);
    }
    timeout_disarm(&vm);
    vm_destroy(&vm);
    prepared_image_close(&image);
    trace_mark(tracing, TRACE_TEARDOWN);
    trace_print(tracing, name);
    return vm.result;
}
