/*
 * monitor_run(): the table of contents of a run.  Check the image, make
 * the VM, boot it, serve it until it ends.
 */
#include "monitor.h"

#include <unistd.h>

#include "boot.h"
#include "boot_info.h"
#include "core_file.h"
#include "exits.h"
#include "gdb_stub.h"
#include "host_signals.h"
#include "hypercalls.h"
#include "kvm_device.h"
#include "prepared_image.h"
#include "strace.h"
#include "syscall_filter.h"
#include "timeout.h"
#include "vm.h"

/* --dumpcore's file, named for the image's hash (of its bytes, as kiln
 * inspect prints it), made before the guest runs (core_file.h). */
static int open_core(struct core_file *core, const struct monitor_options *options,
                     const struct prepared_image *image)
{
    *core = (struct core_file){.fd = -1};
    if (options->core_dir == NULL)
        return 0;
    struct content_hash hash = options->image_hash
                                   ? *options->image_hash
                                   : content_hash_of(image->file.bytes, image->file.size);
    return core_file_open(core, options->core_dir, options->image_path, &hash, options->argc,
                          options->argv);
}

struct monitor_result monitor_run(const struct monitor_options *options)
{
    struct monitor_result failed = {.outcome = MONITOR_FAILED};
    const char *name = options->name ? options->name : options->image_path;
    struct trace trace = {0};
    struct trace *tracing = options->trace_boot ? &trace : NULL;
    trace_start(tracing);
    /* --verbose counts the calls kiln does not implement, for its summary. */
    struct strace strace = {.print_calls = options->strace};
    struct strace *stracing = options->strace || options->verbose ? &strace : NULL;
    struct prepared_image image;
    if (prepared_image_open(&image, options, name) != 0)
        return failed;
    struct core_file core;
    if (open_core(&core, options, &image) != 0) {
        prepared_image_close(&image);
        return failed;
    }
    trace_mark(tracing, TRACE_IMAGE);
    const struct vm_config config = {
        .name = name,
        .image = &image.image,
        .mem_size = options->mem_size ? options->mem_size : image.image.note.default_mem,
        .ram = VM_RAM_LAZY,
        .io = guest_io_stdio(),
        .timeout_ms = options->timeout_ms,
        .kvm_fd = -1,
        .cache_dir = options->cache_dir,
        .trace = tracing,
        .strace = stracing,
        .volumes = options->volumes,
        .volume_count = options->volume_count,
        .workdir = options->workdir,
        .core = options->core_dir ? &core : NULL,
    };
    struct vm vm;
    /* The debugger and kiln-oci's start are waited for before the clock
     * starts: --timeout is the guest's time, with gdb's stops in it. */
    if (vm_create(&vm, &config) == 0 &&
        boot_guest(&vm, &image, options->argc, options->argv, options->envp) == 0 &&
        (options->gdb_host == NULL ||
         gdb_stub_attach(&vm, options->image_path, options->gdb_host, options->gdb_port) == 0) &&
        (options->before_start == NULL || options->before_start(options->start_context) == 0) &&
        timeout_start(&vm) == 0) {
        /* The caches are written before the run loop is confined, and
         * keep the boot info without this run's flags. */
        prepared_image_keep(&image, &vm.mem);
        boot_info_add_flags(&vm.mem, strace_boot_flags(stracing));
        /* Until now a signal sent to kiln acted on kiln; from now it is the
         * program's. */
        int ready = options->forward_signals ? host_signals_attach(&vm) : 0;
        if (ready == 0 && options->confine)
            ready = syscall_filter_install(&vm, SYSCALL_FILTER_RUN);
        trace_mark(tracing, TRACE_CONFINE);
        if (ready == 0) {
            gdb_stub_start(&vm);
            exits_run(&vm);
        }
    }
    gdb_stub_finish(&vm);
    vm_destroy(&vm);
    core_file_close(&core);
    prepared_image_close(&image);
    trace_mark(tracing, TRACE_TEARDOWN);
    trace_print(tracing, name, hypercall_name);
    if (options->verbose)
        strace_print_missing(stracing, name);
    return vm.result;
}

int monitor_kvm_check(void)
{
    int fd = kvm_device_open();
    if (fd < 0)
        return -1;
    close(fd);
    return 0;
}
