#include "core_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "common/atomic_file.h"
#include "common/paths.h"
#include "core_elf.h"
#include "ram_backing.h"
#include "vm.h"

#define HASH_DIGITS 8

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash != NULL && slash[1] != '\0' ? slash + 1 : path;
}

/* What NT_PRPSINFO says: the image file's name (gdb warns when it is not
 * the name of the file it is given) and the arguments, cut to fit. */
static void describe(struct core_file *core, const char *image_path, int argc, char *const *argv)
{
    const char *image = base_name(image_path);
    memcpy(core->name, image, strnlen(image, sizeof core->name));
    size_t len = 0;
    for (int i = 0; i < argc && len + 1 < sizeof core->args; i++) {
        int n =
            snprintf(core->args + len, sizeof core->args - len, "%s%s", i > 0 ? " " : "", argv[i]);
        len += n > 0 ? (size_t)n : 0;
    }
}

int core_file_open(struct core_file *core, const char *dir, const char *image_path,
                   const struct content_hash *image_hash, int argc, char *const *argv)
{
    *core = (struct core_file){.fd = -1};
    const char *program = argc > 0 && argv[0][0] != '\0' ? base_name(argv[0]) : "program";
    int dir_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir_fd < 0)
        return report("%s: cannot hold core files: %s", dir, strerror(errno));
    close(dir_fd);
    char hex[CONTENT_HASH_HEX_SIZE];
    char file[NAME_MAX + 1];
    content_hash_hex(image_hash, hex);
    int len = snprintf(file, sizeof file, "core.%s.%.*s", program, HASH_DIGITS, hex);
    if (len < 0 || (size_t)len >= sizeof file ||
        path_join(core->path, sizeof core->path, dir, file) != 0)
        return report("%s: cannot hold core files: the name %s is too long", dir, file);
    core->fd = atomic_file_create(core->path, core->temp, sizeof core->temp);
    if (core->fd < 0) {
        core->temp[0] = '\0';
        return -1;
    }
    describe(core, image_path, argc, argv);
    return 0;
}

void core_file_close(struct core_file *core)
{
    if (core->fd >= 0)
        close(core->fd);
    if (core->temp[0] != '\0')
        unlink(core->temp);
    core->fd = -1;
    core->temp[0] = '\0';
}

static void user_regs_of(struct user_regs_struct *user, const struct core_registers *at)
{
    const struct kvm_regs *r = &at->regs;
    const struct kvm_sregs *s = &at->sregs;
    *user = (struct user_regs_struct){
        .r15 = r->r15,
        .r14 = r->r14,
        .r13 = r->r13,
        .r12 = r->r12,
        .rbp = r->rbp,
        .rbx = r->rbx,
        .r11 = r->r11,
        .r10 = r->r10,
        .r9 = r->r9,
        .r8 = r->r8,
        .rax = r->rax,
        .rcx = r->rcx,
        .rdx = r->rdx,
        .rsi = r->rsi,
        .rdi = r->rdi,
        .orig_rax = UINT64_MAX, /* -1: not in a system call */
        .rip = r->rip,
        .cs = s->cs.selector,
        .eflags = r->rflags,
        .rsp = r->rsp,
        .ss = s->ss.selector,
        .fs_base = s->fs.base,
        .gs_base = s->gs.base,
        .ds = s->ds.selector,
        .es = s->es.selector,
        .fs = s->fs.selector,
        .gs = s->gs.selector,
    };
}

/* The x87/SSE state: the XSAVE area's legacy part, FXSAVE's layout.
 * KVM_GET_XSAVE, not KVM_GET_FPU, which reads MXCSR as 0.  Neither the
 * ring-0 stubs nor the runtime (built -mgeneral-regs-only) touch it: it
 * is the program's, whatever the registers' source. */
static bool read_fpregs(const struct vm *vm, struct user_fpregs_struct *fp)
{
    struct kvm_xsave *xsave = malloc(sizeof *xsave);
    bool read = xsave != NULL && ioctl(vm->vcpu_fd, KVM_GET_XSAVE, xsave) == 0;
    _Static_assert(sizeof *fp <= sizeof xsave->region, "the legacy area");
    if (read)
        memcpy(fp, xsave->region, sizeof *fp);
    free(xsave);
    return read;
}

struct ram_walk {
    struct core_segments *segments;
    const struct guest_mem *mem;
};

static int add_range(void *context, uint64_t start, uint64_t end)
{
    const struct ram_walk *walk = context;
    return core_segments_add(walk->segments, walk->mem, start, end);
}

/* Only RAM KVM backed: the rest the guest cannot have written, and
 * reading it would only cost (the embedded files' pages come from the
 * image file). */
static int write_core(const struct core_file *core, const struct vm *vm,
                      const struct core_registers *at)
{
    struct core_state state = {.signal = at->signal};
    user_regs_of(&state.regs, at);
    state.has_fpregs = read_fpregs(vm, &state.fpregs);
    memcpy(state.name, core->name, sizeof state.name);
    memcpy(state.args, core->args, sizeof state.args);
    struct core_segments segments = {0};
    struct ram_walk walk = {&segments, &vm->mem};
    int rc = ram_backed_each(vm, add_range, &walk);
    if (rc == 0)
        rc = core_elf_write(core->fd, &state, &segments, &vm->mem);
    core_segments_free(&segments);
    return rc;
}

/* A line of its own after what text holds. */
static void add_line(struct report_text *text, const char *what, const char *path, const char *why)
{
    bool line_open = text->len > 0 && text->bytes[text->len - 1] != '\n';
    report_text_add(text, "%s  core %s %s%s%s", line_open ? "\n" : "", what, path, why ? ": " : "",
                    why ? why : "");
}

int core_file_write(struct core_file *core, const struct vm *vm, const struct core_registers *at)
{
    int rc = write_core(core, vm, at);
    close(core->fd);
    core->fd = -1;
    if (rc == 0 && rename(core->temp, core->path) != 0)
        rc = -errno;
    if (rc == 0)
        core->temp[0] = '\0';
    return rc;
}

void core_file_dump(struct vm *vm, const struct core_registers *at, struct report_text *text)
{
    struct core_file *core = vm->core;
    if (core == NULL || core->dumped)
        return;
    core->dumped = true;
    if (core->deferred) {
        core->kept = *at;
        return;
    }
    int rc = core_file_write(core, vm, at);
    if (rc == 0)
        add_line(text, "written to", core->path, NULL);
    else
        add_line(text, "not written:", core->path, strerror(-rc));
}

/* Without registers a deferred core has nothing to keep: no core. */
void core_file_dump_vcpu(struct vm *vm, int signal, struct report_text *text)
{
    struct core_file *core = vm->core;
    if (core == NULL || core->dumped)
        return;
    struct core_registers at = {.signal = signal};
    if (ioctl(vm->vcpu_fd, KVM_GET_REGS, &at.regs) != 0 ||
        ioctl(vm->vcpu_fd, KVM_GET_SREGS, &at.sregs) != 0) {
        if (!core->deferred) {
            core->dumped = true;
            add_line(text, "not written:", core->path, strerror(errno));
        }
        return;
    }
    core_file_dump(vm, &at, text);
}

void core_file_defer(struct core_file *core)
{
    *core = (struct core_file){.fd = -1, .deferred = true};
}
