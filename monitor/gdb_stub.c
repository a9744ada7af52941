#include "gdb_stub.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/report.h"
#include "cpu.h"
#include "gdb_packet.h"
#include "gdb_regs.h"

#define SOFT_BREAKPOINTS_MAX 64
#define INT3                 0xcc
#define VECTOR_DEBUG         1
#define RFLAGS_TRAP          0x100ull
#define VECTOR_BREAKPOINT    3
#define SIGNAL_TRAP          5
#define SIGNAL_INT           2
#define SIGNAL_KILL          9
#define SIGNAL_ABRT          6
#define SIGNAL_SEGV          11
#define SIGNAL_ALRM          14
/* A shell's status for a program ended by SIGKILL: what gdb's kill is. */
#define KILLED_STATUS (128 + SIGNAL_KILL)
#define REPLY_MAX     GDB_PACKET_MAX
#define PAGE_MASK     0xfffull
#define PAGE_BYTES    0x1000ull
#define MEMORY_MAX    ((GDB_PACKET_MAX - 1) / 2)
#define THREAD_REPLY  "QC1"

/* gdb's Z/z types that kiln serves. */
#define POINT_SOFT  0
#define POINT_WRITE 2
#define WATCHES_MAX 4
#define WATCH_BYTES 8

struct soft_breakpoint {
    uint64_t addr;
    uint8_t saved; /* the byte int3 replaced */
};

/* A write watchpoint, kept by stepping: the bytes as they were. */
struct watch {
    bool used;
    uint64_t addr;
    uint64_t len;
    uint8_t value[WATCH_BYTES];
};

struct gdb_stub {
    struct gdb_conn conn;
    struct soft_breakpoint soft[SOFT_BREAKPOINTS_MAX];
    unsigned soft_count;
    struct watch watches[WATCHES_MAX];
    unsigned watch_count;
    bool stepping;      /* gdb asked for one step */
    struct gdb_cpu cpu; /* while stopped: what gdb sees and changes */
    bool cpu_changed;
    char stop_reply[64]; /* what '?' answers */
};

/* ------------------------------------------------------------ attaching */

static int parse_address(const char *host, uint16_t port, struct sockaddr_storage *address,
                         socklen_t *size)
{
    struct sockaddr_in *v4 = (struct sockaddr_in *)address;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)address;
    memset(address, 0, sizeof *address);
    if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons(port);
        *size = sizeof *v4;
        return 0;
    }
    if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons(port);
        *size = sizeof *v6;
        return 0;
    }
    return report("--gdb: \"%s\" is not an IP address", host);
}

static uint16_t bound_port(int fd)
{
    struct sockaddr_storage address;
    socklen_t size = sizeof address;
    if (getsockname(fd, (struct sockaddr *)&address, &size) != 0)
        return 0;
    return ntohs(address.ss_family == AF_INET ? ((struct sockaddr_in *)&address)->sin_port
                                              : ((struct sockaddr_in6 *)&address)->sin6_port);
}

static int listen_on(const char *host, uint16_t port)
{
    struct sockaddr_storage address;
    socklen_t size = 0;
    if (parse_address(host, port, &address, &size) < 0)
        return -1;
    int fd = socket(address.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int on = 1;
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) != 0 ||
        bind(fd, (struct sockaddr *)&address, size) != 0 || listen(fd, 1) != 0) {
        report("--gdb %s:%u: %s", host, port, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return fd;
}

/* Data from gdb raises SIGALRM in this thread, the signal that already
 * ends KVM_RUN for deadlines (timeout.h): Ctrl-C reaches a running guest
 * with no thread of its own. */
static int signal_on_input(int fd)
{
    struct f_owner_ex owner = {.type = F_OWNER_TID, .pid = gettid()};
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0 || fcntl(fd, F_SETOWN_EX, &owner) != 0 || fcntl(fd, F_SETSIG, SIGALRM) != 0 ||
        fcntl(fd, F_SETFL, flags | O_ASYNC) != 0)
        return report_errno("--gdb", "fcntl");
    return 0;
}

int gdb_stub_attach(struct vm *vm, const char *image_path, const char *host, uint16_t port)
{
    int listener = listen_on(host, port);
    if (listener < 0)
        return -1;
    /* An IPv6 address goes in brackets, as gdb's target remote wants it. */
    bool v6 = strchr(host, ':') != NULL;
    report("%s: waiting for gdb on %s%s%s:%u: gdb %s -ex 'target remote %s%s%s:%u'", vm->name,
           v6 ? "[" : "", host, v6 ? "]" : "", bound_port(listener), image_path, v6 ? "[" : "",
           host, v6 ? "]" : "", bound_port(listener));
    int fd;
    do
        fd = accept4(listener, NULL, NULL, SOCK_CLOEXEC);
    while (fd < 0 && errno == EINTR);
    close(listener);
    if (fd < 0)
        return report_errno("--gdb", "accept");
    struct gdb_stub *stub = calloc(1, sizeof *stub);
    if (stub == NULL || signal_on_input(fd) < 0) {
        free(stub);
        close(fd);
        return stub == NULL ? report("--gdb: out of memory") : -1;
    }
    stub->conn.fd = fd;
    snprintf(stub->stop_reply, sizeof stub->stop_reply, "S%02x", SIGNAL_TRAP);
    vm->gdb = stub;
    return 0;
}

int gdb_stub_fd(const struct vm *vm)
{
    return vm->gdb != NULL ? vm->gdb->conn.fd : -1;
}

/* ------------------------------------------------------ guest's state */

static int load_cpu(struct vm *vm)
{
    struct gdb_stub *stub = vm->gdb;
    stub->cpu_changed = false;
    if (ioctl(vm->vcpu_fd, KVM_GET_REGS, &stub->cpu.regs) != 0 ||
        ioctl(vm->vcpu_fd, KVM_GET_SREGS, &stub->cpu.sregs) != 0 ||
        ioctl(vm->vcpu_fd, KVM_GET_FPU, &stub->cpu.fpu) != 0)
        return report("%s: gdb: reading the vCPU's registers: %s", vm->name, strerror(errno));
    return 0;
}

static int store_cpu(struct vm *vm)
{
    struct gdb_stub *stub = vm->gdb;
    if (!stub->cpu_changed)
        return 0;
    if (ioctl(vm->vcpu_fd, KVM_SET_REGS, &stub->cpu.regs) != 0 ||
        ioctl(vm->vcpu_fd, KVM_SET_SREGS, &stub->cpu.sregs) != 0 ||
        ioctl(vm->vcpu_fd, KVM_SET_FPU, &stub->cpu.fpu) != 0)
        return report("%s: gdb: setting the vCPU's registers: %s", vm->name, strerror(errno));
    stub->cpu_changed = false;
    return 0;
}

/* The host address of the guest's virtual [addr, addr + len), which must
 * lie in one page, or NULL when the guest has no such memory. */
static uint8_t *guest_bytes(struct vm *vm, uint64_t addr, uint64_t len, bool write)
{
    struct kvm_translation translation = {.linear_address = addr};
    if (ioctl(vm->vcpu_fd, KVM_TRANSLATE, &translation) != 0 || !translation.valid)
        return NULL;
    return write ? guest_mem_for_write(&vm->mem, translation.physical_address, len)
                 : guest_mem_at(&vm->mem, translation.physical_address, len);
}

/* Copies len bytes from (to_guest false) or to the guest at addr, a page
 * at a time.  Returns 0, or -1 when part of the range is not the guest's. */
static int copy_guest(struct vm *vm, uint64_t addr, uint8_t *bytes, uint64_t len, bool to_guest)
{
    while (len > 0) {
        uint64_t piece = PAGE_BYTES - (addr & PAGE_MASK);
        if (piece > len)
            piece = len;
        uint8_t *host = guest_bytes(vm, addr, piece, to_guest);
        if (host == NULL)
            return -1;
        if (to_guest)
            memcpy(host, bytes, piece);
        else
            memcpy(bytes, host, piece);
        addr += piece;
        bytes += piece;
        len -= piece;
    }
    return 0;
}

/* ---------------------------------------------------------- breakpoints */

static struct soft_breakpoint *find_soft(struct gdb_stub *stub, uint64_t addr)
{
    for (unsigned i = 0; i < stub->soft_count; i++)
        if (stub->soft[i].addr == addr)
            return &stub->soft[i];
    return NULL;
}

static const char *insert_soft(struct vm *vm, uint64_t addr)
{
    struct gdb_stub *stub = vm->gdb;
    if (find_soft(stub, addr) != NULL)
        return "OK";
    if (stub->soft_count == SOFT_BREAKPOINTS_MAX)
        return "E28"; /* ENOSPC */
    uint8_t *code = guest_bytes(vm, addr, 1, true);
    if (code == NULL)
        return "E14"; /* EFAULT */
    stub->soft[stub->soft_count++] = (struct soft_breakpoint){addr, *code};
    *code = INT3;
    return "OK";
}

static const char *remove_soft(struct vm *vm, uint64_t addr)
{
    struct gdb_stub *stub = vm->gdb;
    struct soft_breakpoint *point = find_soft(stub, addr);
    if (point == NULL)
        return "OK";
    uint8_t *code = guest_bytes(vm, addr, 1, true);
    if (code != NULL)
        *code = point->saved;
    *point = stub->soft[--stub->soft_count];
    return "OK";
}

/* A write watchpoint is kept by stepping the program while one is set
 * and comparing the watched bytes after each instruction, in the monitor
 * (no round trip to gdb per step).  KVM's guest debug registers would
 * cost nothing, but never fired for ring-3 accesses on PVM or on nested
 * SVM, the machines kiln is tested on; a watchpoint that never fires is
 * worse than a slow one.  Reads cannot be seen this way: gdb is told
 * rwatch and awatch are not supported. */
static const char *insert_watch(struct vm *vm, uint64_t addr, uint64_t len)
{
    struct gdb_stub *stub = vm->gdb;
    if (len == 0 || len > WATCH_BYTES)
        return "E22";
    for (unsigned i = 0; i < WATCHES_MAX; i++) {
        struct watch *watch = &stub->watches[i];
        if (watch->used)
            continue;
        if (copy_guest(vm, addr, watch->value, len, false) != 0)
            return "E14";
        watch->used = true;
        watch->addr = addr;
        watch->len = len;
        stub->watch_count++;
        return "OK";
    }
    return "E28";
}

static const char *remove_watch(struct vm *vm, uint64_t addr, uint64_t len)
{
    struct gdb_stub *stub = vm->gdb;
    for (unsigned i = 0; i < WATCHES_MAX; i++) {
        struct watch *watch = &stub->watches[i];
        if (watch->used && watch->addr == addr && watch->len == len) {
            watch->used = false;
            stub->watch_count--;
        }
    }
    return "OK";
}

/* The first watch whose bytes changed, its new value kept; NULL if none. */
static const struct watch *changed_watch(struct vm *vm)
{
    uint8_t now[WATCH_BYTES];
    for (unsigned i = 0; i < WATCHES_MAX; i++) {
        struct watch *watch = &vm->gdb->watches[i];
        if (!watch->used || copy_guest(vm, watch->addr, now, watch->len, false) != 0 ||
            memcmp(now, watch->value, watch->len) == 0)
            continue;
        memcpy(watch->value, now, watch->len);
        return watch;
    }
    return NULL;
}

/* Z and z: "Z<type>,<addr>,<kind>". */
static const char *breakpoint_packet(struct vm *vm, const char *packet)
{
    bool insert = packet[0] == 'Z';
    uint64_t type, addr, len;
    const char *at;
    if (gdb_hex_number(packet + 1, ",", &type, &at) != 0 || *at != ',' ||
        gdb_hex_number(at + 1, ",", &addr, &at) != 0 || *at != ',' ||
        gdb_hex_number(at + 1, ";", &len, &at) != 0)
        return "E22";
    if (type == POINT_WRITE)
        return insert ? insert_watch(vm, addr, len) : remove_watch(vm, addr, len);
    if (type != POINT_SOFT)
        return ""; /* not supported: gdb says so */
    return insert ? insert_soft(vm, addr) : remove_soft(vm, addr);
}

/* Puts back what every breakpoint replaced and clears the trap flag:
 * the guest runs on as if gdb had never been there. */
static void remove_all(struct vm *vm)
{
    struct gdb_stub *stub = vm->gdb;
    while (stub->soft_count > 0)
        remove_soft(vm, stub->soft[0].addr);
    stub->cpu.regs.rflags &= ~RFLAGS_TRAP;
    stub->cpu_changed = true;
    store_cpu(vm);
}

/* ------------------------------------------------------------ packets */

static void reply(struct vm *vm, const char *text)
{
    gdb_packet_send_text(&vm->gdb->conn, text);
}

static void read_memory(struct vm *vm, const char *args)
{
    uint64_t addr, len;
    const char *at;
    uint8_t bytes[MEMORY_MAX];
    char hex[2 * MEMORY_MAX + 1];
    if (gdb_hex_number(args, ",", &addr, &at) != 0 || *at != ',' ||
        gdb_hex_number(at + 1, "", &len, &at) != 0 || len > MEMORY_MAX) {
        reply(vm, "E22");
        return;
    }
    if (copy_guest(vm, addr, bytes, len, false) != 0) {
        reply(vm, "E14");
        return;
    }
    gdb_hex_encode(hex, bytes, len);
    reply(vm, hex);
}

/* "M<addr>,<len>:<hex>"; gdb's breakpoints stay in, where it writes over them. */
static void write_memory(struct vm *vm, const char *args)
{
    uint64_t addr, len;
    const char *at;
    uint8_t bytes[MEMORY_MAX];
    if (gdb_hex_number(args, ",", &addr, &at) != 0 || *at != ',' ||
        gdb_hex_number(at + 1, ":", &len, &at) != 0 || *at != ':' || len > MEMORY_MAX ||
        strlen(at + 1) != 2 * len || gdb_hex_decode(bytes, at + 1, len) != 0) {
        reply(vm, "E22");
        return;
    }
    reply(vm, copy_guest(vm, addr, bytes, len, true) == 0 ? "OK" : "E14");
}

static void all_registers(struct vm *vm, bool write, const char *hex)
{
    char out[GDB_REGS_HEX];
    struct gdb_stub *stub = vm->gdb;
    if (!write) {
        gdb_regs_encode(&stub->cpu, out);
        reply(vm, out);
        return;
    }
    if (gdb_regs_decode(&stub->cpu, hex) != 0) {
        reply(vm, "E22");
        return;
    }
    stub->cpu_changed = true;
    reply(vm, "OK");
}

/* "p<n>" or "P<n>=<hex>". */
static void one_register(struct vm *vm, const char *packet)
{
    struct gdb_stub *stub = vm->gdb;
    uint64_t number;
    const char *at;
    char out[2 * 16 + 1];
    bool write = packet[0] == 'P';
    if (gdb_hex_number(packet + 1, "=", &number, &at) != 0 || (write != (*at == '='))) {
        reply(vm, "E22");
        return;
    }
    if (!write) {
        reply(vm, gdb_reg_encode(&stub->cpu, (unsigned)number, out) == 0 ? out : "E22");
        return;
    }
    if (gdb_reg_decode(&stub->cpu, (unsigned)number, at + 1) != 0) {
        reply(vm, "E22");
        return;
    }
    stub->cpu_changed = true;
    reply(vm, "OK");
}

/* "qXfer:features:read:target.xml:<offset>,<length>". */
static void target_description(struct vm *vm, const char *args)
{
    const char *xml = gdb_target_xml();
    uint64_t offset, len, size = strlen(xml);
    const char *at;
    char out[GDB_PACKET_MAX];
    if (strncmp(args, "target.xml:", strlen("target.xml:")) != 0) {
        reply(vm, "E00");
        return;
    }
    args += strlen("target.xml:");
    if (gdb_hex_number(args, ",", &offset, &at) != 0 || *at != ',' ||
        gdb_hex_number(at + 1, "", &len, &at) != 0) {
        reply(vm, "E22");
        return;
    }
    if (offset > size)
        offset = size;
    if (len > sizeof out - 2)
        len = sizeof out - 2;
    uint64_t piece = size - offset < len ? size - offset : len;
    out[0] = offset + piece < size ? 'm' : 'l';
    memcpy(out + 1, xml + offset, piece);
    gdb_packet_send(&vm->gdb->conn, out, piece + 1);
}

static bool starts(const char *packet, const char *prefix)
{
    return strncmp(packet, prefix, strlen(prefix)) == 0;
}

/* The queries gdb makes of any stub, answered for one process with one
 * thread. */
static void query(struct vm *vm, const char *packet)
{
    if (starts(packet, "qSupported")) {
        char features[128];
        snprintf(features, sizeof features,
                 "PacketSize=%x;qXfer:features:read+;swbreak+;QStartNoAckMode+", GDB_PACKET_MAX);
        reply(vm, features);
    } else if (starts(packet, "qXfer:features:read:")) {
        target_description(vm, packet + strlen("qXfer:features:read:"));
    } else if (strcmp(packet, "qAttached") == 0) {
        reply(vm, "1");
    } else if (strcmp(packet, "qC") == 0) {
        reply(vm, THREAD_REPLY);
    } else if (strcmp(packet, "qfThreadInfo") == 0) {
        reply(vm, "m1");
    } else if (strcmp(packet, "qsThreadInfo") == 0) {
        reply(vm, "l");
    } else if (starts(packet, "qSymbol")) {
        reply(vm, "OK");
    } else if (strcmp(packet, "QStartNoAckMode") == 0) {
        reply(vm, "OK");
        vm->gdb->conn.no_ack = true;
    } else {
        reply(vm, "");
    }
}

/* What ends a stop. */
enum resume {
    STAY,     /* serve the next packet */
    RESUME,   /* run the guest (stepping or not) */
    DETACHED, /* gdb left; the guest runs on without it */
    KILLED,   /* gdb ended the program */
};

static enum resume serve_packet(struct vm *vm, const char *packet)
{
    struct gdb_stub *stub = vm->gdb;
    switch (packet[0]) {
    case '?':
        reply(vm, stub->stop_reply);
        return STAY;
    case 'g':
    case 'G':
        all_registers(vm, packet[0] == 'G', packet + 1);
        return STAY;
    case 'p':
    case 'P':
        one_register(vm, packet);
        return STAY;
    case 'm':
        read_memory(vm, packet + 1);
        return STAY;
    case 'M':
        write_memory(vm, packet + 1);
        return STAY;
    case 'Z':
    case 'z':
        reply(vm, breakpoint_packet(vm, packet));
        return STAY;
    case 'c':
    case 's':
        stub->stepping = packet[0] == 's';
        return RESUME;
    case 'D':
        reply(vm, "OK");
        return DETACHED;
    case 'k':
        return KILLED;
    case 'H':
    case 'T':
        reply(vm, "OK");
        return STAY;
    case 'q':
    case 'Q':
        query(vm, packet);
        return STAY;
    default:
        reply(vm, ""); /* vCont, X and the rest: gdb falls back or says so */
        return STAY;
    }
}

static void close_stub(struct vm *vm)
{
    close(vm->gdb->conn.fd);
    free(vm->gdb);
    vm->gdb = NULL;
}

static void detach(struct vm *vm)
{
    remove_all(vm);
    close_stub(vm);
}

/* The guest is stopped: tells gdb why (unless it is the first stop, which
 * gdb asks about with '?'), then serves it until it lets the guest go. */
static void stop(struct vm *vm, const char *why, bool tell)
{
    struct gdb_stub *stub = vm->gdb;
    if (why != stub->stop_reply)
        snprintf(stub->stop_reply, sizeof stub->stop_reply, "%s", why);
    if (load_cpu(vm) != 0 || (tell && gdb_packet_send_text(&stub->conn, why) != 0)) {
        detach(vm);
        return;
    }
    for (;;) {
        enum gdb_read read = gdb_packet_read(&stub->conn);
        enum resume resume = read == GDB_READ_PACKET   ? serve_packet(vm, stub->conn.data)
                             : read == GDB_READ_CLOSED ? DETACHED
                                                       : STAY;
        if (resume == STAY)
            continue;
        if (resume == KILLED) {
            report("%s: killed from gdb", vm->name);
            vm_stop(vm, MONITOR_EXITED, KILLED_STATUS);
            close_stub(vm);
        } else if (resume == DETACHED) {
            detach(vm);
        } else {
            /* A step is the trap flag: #DB after one instruction. */
            if (stub->stepping || stub->watch_count > 0)
                stub->cpu.regs.rflags |= RFLAGS_TRAP;
            stub->cpu_changed = true;
            if (store_cpu(vm) != 0)
                vm_stop(vm, MONITOR_FAILED, 0);
        }
        return;
    }
}

void gdb_stub_start(struct vm *vm)
{
    if (vm->gdb != NULL)
        stop(vm, vm->gdb->stop_reply, false);
}

/* ----------------------------------------------------------- stopping */

/* Why the program stopped, in gdb's words: a breakpoint of gdb's, a
 * watched write or a step; "" when it goes on (a step between watched
 * writes) or the exception is not the debugger's (*mine false). */
static void stop_reason(struct vm *vm, const struct exception_frame *frame, char *why,
                        size_t why_size, bool *mine)
{
    struct gdb_stub *stub = vm->gdb;
    why[0] = '\0';
    *mine = false;
    if (frame->vector == VECTOR_BREAKPOINT) {
        *mine = find_soft(stub, frame->rip - 1) != NULL;
        if (*mine)
            snprintf(why, why_size, "T%02xswbreak:;", SIGNAL_TRAP);
        return;
    }
    if (frame->vector != VECTOR_DEBUG || (!stub->stepping && stub->watch_count == 0))
        return;
    *mine = true;
    const struct watch *watch = changed_watch(vm);
    if (watch != NULL)
        snprintf(why, why_size, "T%02xwatch:%lx;", SIGNAL_TRAP, watch->addr);
    else if (stub->stepping)
        snprintf(why, why_size, "S%02x", SIGNAL_TRAP);
}

/* Back to ring 3 where the exception left it, as the stub's iret would:
 * at the breakpoint's int3 itself; the trap flag kept only to go on
 * stepping for a watch. */
static int return_to_program(struct vm *vm, const struct kvm_regs *regs,
                             const struct kvm_sregs *sregs, const struct exception_frame *frame,
                             bool keep_trap)
{
    struct kvm_regs next = *regs;
    struct kvm_sregs user = *sregs;
    next.rip = frame->vector == VECTOR_BREAKPOINT ? frame->rip - 1 : frame->rip;
    next.rsp = frame->rsp;
    next.rflags = keep_trap ? frame->rflags : frame->rflags & ~RFLAGS_TRAP;
    cpu_user_segments(&user);
    if (ioctl(vm->vcpu_fd, KVM_SET_REGS, &next) != 0 ||
        ioctl(vm->vcpu_fd, KVM_SET_SREGS, &user) != 0)
        return report("%s: gdb: returning to the program: %s", vm->name, strerror(errno));
    return 0;
}

bool gdb_stub_on_exception(struct vm *vm, const struct kvm_regs *regs,
                           const struct kvm_sregs *sregs, const struct exception_frame *frame)
{
    char why[64];
    bool mine;
    if (vm->gdb == NULL || frame->cs != KILN_USER_CS)
        return false;
    stop_reason(vm, frame, why, sizeof why, &mine);
    if (!mine)
        return false;
    bool goes_on = why[0] == '\0';
    if (return_to_program(vm, regs, sregs, frame, goes_on) != 0) {
        vm_stop(vm, MONITOR_FAILED, 0);
        return true;
    }
    if (!goes_on) {
        vm->gdb->stepping = false;
        stop(vm, why, true);
    }
    return true;
}

void gdb_stub_check_interrupt(struct vm *vm)
{
    if (vm->gdb == NULL || vm->stopped)
        return;
    int interrupted = gdb_packet_interrupted(&vm->gdb->conn);
    if (interrupted < 0) {
        detach(vm);
    } else if (interrupted > 0) {
        char why[8];
        snprintf(why, sizeof why, "S%02x", SIGNAL_INT);
        stop(vm, why, true);
    }
}

void gdb_stub_finish(struct vm *vm)
{
    if (vm->gdb == NULL)
        return;
    char last[16];
    enum monitor_outcome outcome = vm->result.outcome;
    if (outcome == MONITOR_EXITED)
        snprintf(last, sizeof last, "W%02x", vm->result.status & 0xff);
    else
        snprintf(last, sizeof last, "X%02x",
                 outcome == MONITOR_CRASHED     ? SIGNAL_SEGV
                 : outcome == MONITOR_TIMED_OUT ? SIGNAL_ALRM
                                                : SIGNAL_ABRT);
    gdb_packet_send_text(&vm->gdb->conn, last);
    close_stub(vm);
}
