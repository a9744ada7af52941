#include "strace_format.h"

#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/uio.h>

#include "strace_calls.h"
#include "strace_flags.h"
#include "syscall_names.h"

/* Linux answers -1 to -4095 as errors, anything else as a value. */
#define MAX_ERRNO 4095

/* What one line is made from. */
struct line {
    struct report_text *text;
    const struct guest_mem *mem;
    const struct kiln_hc_syscall *call;
};

static bool failed(int64_t result)
{
    return result < 0 && result >= -MAX_ERRNO;
}

/* The program's bytes at gpa, or NULL where it could not read them
 * either: outside RAM, or in the first MiB (NULL included), which ring 3
 * cannot see. */
static const uint8_t *guest_bytes(const struct guest_mem *mem, uint64_t gpa, uint64_t len)
{
    return gpa < KILN_IMAGE_BASE ? NULL : guest_mem_at(mem, gpa, len);
}

static void add_address(struct report_text *text, uint64_t gpa)
{
    if (gpa == 0)
        report_text_add(text, "NULL");
    else
        report_text_add(text, "%#lx", gpa);
}

/* strace's escapes: C's for the common controls, octal for the other
 * bytes outside printable ASCII, as short as the next byte allows. */
static size_t escape(char *out, uint8_t byte, int next)
{
    static const char controls[] = "\t\n\v\f\r";
    static const char letters[] = "tnvfr";
    const char *control = byte != 0 ? strchr(controls, byte) : NULL;
    if (byte == '"' || byte == '\\')
        return (size_t)sprintf(out, "\\%c", byte);
    if (control != NULL)
        return (size_t)sprintf(out, "\\%c", letters[control - controls]);
    if (byte >= ' ' && byte < 0x7f)
        return (size_t)sprintf(out, "%c", byte);
    if (next >= '0' && next <= '7')
        return (size_t)sprintf(out, "\\%03o", byte);
    return (size_t)sprintf(out, "\\%o", byte);
}

/* len bytes, quoted and escaped; cut: more followed them. */
static void add_quoted(struct report_text *text, const uint8_t *bytes, size_t len, bool cut)
{
    char quoted[4 * KILN_PATH_MAX + 1] = "";
    size_t at = 0;
    for (size_t i = 0; i < len; i++)
        at += escape(quoted + at, bytes[i], i + 1 < len ? bytes[i + 1] : -1);
    report_text_add(text, "\"%s\"%s", quoted, cut ? "..." : "");
}

/* len bytes at gpa, the first STRACE_STRING_MAX of them. */
static void add_bytes(struct report_text *text, const struct guest_mem *mem, uint64_t gpa,
                      uint64_t len)
{
    size_t shown = len < STRACE_STRING_MAX ? len : STRACE_STRING_MAX;
    const uint8_t *bytes = guest_bytes(mem, gpa, shown);
    if (bytes == NULL)
        add_address(text, gpa);
    else
        add_quoted(text, bytes, shown, len > shown);
}

/* The NUL-terminated path at gpa, in full as strace shows paths; one
 * that runs off RAM prints as its address, as Linux would refuse it with
 * EFAULT, and one past KILN_PATH_MAX is cut. */
static void add_string(struct report_text *text, const struct guest_mem *mem, uint64_t gpa)
{
    uint64_t left = gpa < mem->size ? mem->size - gpa : 0;
    size_t room = left < KILN_PATH_MAX ? left : KILN_PATH_MAX;
    const uint8_t *bytes = guest_bytes(mem, gpa, room);
    size_t len = bytes != NULL ? strnlen((const char *)bytes, room) : 0;
    if (bytes == NULL || (len == room && room < KILN_PATH_MAX))
        add_address(text, gpa);
    else
        add_quoted(text, bytes, len, len == KILN_PATH_MAX);
}

/* count struct iovecs at gpa (an int, as readv's), each buffer's bytes
 * up to limit in all. */
static void add_iovecs(struct report_text *text, const struct guest_mem *mem, uint64_t gpa,
                       int32_t count, uint64_t limit)
{
    size_t shown = count < STRACE_ARRAY_MAX ? (size_t)count : STRACE_ARRAY_MAX;
    const uint8_t *array = guest_bytes(mem, gpa, shown * sizeof(struct iovec));
    if (array == NULL || count < 0) {
        add_address(text, gpa);
        return;
    }
    report_text_add(text, "[");
    for (size_t i = 0; i < shown; i++) {
        /* Linux takes the array at any alignment; C does not. */
        struct iovec iov;
        memcpy(&iov, array + i * sizeof iov, sizeof iov);
        uint64_t base = (uintptr_t)iov.iov_base;
        uint64_t len = iov.iov_len;
        uint64_t filled = len < limit ? len : limit;
        limit -= filled;
        report_text_add(text, "%s{iov_base=", i > 0 ? ", " : "");
        add_bytes(text, mem, base, filled);
        report_text_add(text, ", iov_len=%lu}", len);
    }
    report_text_add(text, "%s]", (size_t)count > shown ? ", ..." : "");
}

/* open's mode is there only when its flags create a file. */
static bool creates(uint64_t flags)
{
    return (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE;
}

/* What the call wrote at gpa is there only once it succeeded. */
static void add_output(const struct line *line, enum strace_arg kind, uint64_t gpa, uint64_t count)
{
    int64_t result = line->call->result;
    if (failed(result))
        add_address(line->text, gpa);
    else if (kind == ARG_PATH_OUT)
        add_string(line->text, line->mem, gpa);
    else if (kind == ARG_BUF_OUT)
        add_bytes(line->text, line->mem, gpa, (uint64_t)result);
    else
        add_iovecs(line->text, line->mem, gpa, (int32_t)count, (uint64_t)result);
}

static void add_arg(const struct line *line, enum strace_arg kind, int i)
{
    struct report_text *text = line->text;
    uint64_t value = line->call->args[i];
    /* The argument after a buffer or array counts it. */
    uint64_t count = i + 1 < STRACE_ARGS ? line->call->args[i + 1] : 0;
    switch (kind) {
    case ARG_INT:
        report_text_add(text, "%d", (int32_t)value);
        return;
    case ARG_LONG:
        report_text_add(text, "%ld", (int64_t)value);
        return;
    case ARG_ULONG:
        report_text_add(text, "%lu", value);
        return;
    case ARG_HEX:
        report_text_add(text, "%#lx", value);
        return;
    case ARG_PTR:
        add_address(text, value);
        return;
    case ARG_DIRFD:
        if ((int32_t)value == AT_FDCWD)
            report_text_add(text, "AT_FDCWD");
        else
            report_text_add(text, "%d", (int32_t)value);
        return;
    case ARG_PATH:
        add_string(text, line->mem, value);
        return;
    case ARG_BUF_IN:
        add_bytes(text, line->mem, value, count);
        return;
    case ARG_IOV_IN:
        add_iovecs(text, line->mem, value, (int32_t)count, UINT64_MAX);
        return;
    case ARG_PATH_OUT:
    case ARG_BUF_OUT:
    case ARG_IOV_OUT:
        add_output(line, kind, value, count);
        return;
    case ARG_MODE:
    case ARG_OPEN_MODE:
        report_text_add(text, "%#03o", (uint32_t)value);
        return;
    default:
        strace_flags_add(text, kind, value);
        return;
    }
}

/* The kinds the table gives, or six numbers for a call it does not
 * describe. */
static void add_args(const struct line *line, const struct strace_call *kinds)
{
    for (int i = 0; i < STRACE_ARGS; i++) {
        enum strace_arg kind = kinds != NULL ? kinds->args[i] : ARG_HEX;
        if (kind == ARG_NONE || (kind == ARG_OPEN_MODE && !creates(line->call->args[i - 1])))
            return;
        report_text_add(line->text, "%s", i > 0 ? ", " : "");
        add_arg(line, kind, i);
    }
}

static void add_result(struct report_text *text, int64_t result, const struct strace_call *kinds)
{
    enum strace_result kind = kinds != NULL ? kinds->result : RESULT_LONG;
    if (kind == RESULT_NONE) {
        report_text_add(text, " = ?");
    } else if (failed(result)) {
        int error = (int)-result;
        const char *name = strerrorname_np(error);
        const char *description = strerrordesc_np(error);
        if (name != NULL && description != NULL)
            report_text_add(text, " = -1 %s (%s)", name, description);
        else
            report_text_add(text, " = -1 ERRNO_%d (Unknown error %d)", error, error);
    } else if (kind == RESULT_ADDRESS) {
        report_text_add(text, " = %#lx", (uint64_t)result);
    } else {
        report_text_add(text, " = %ld", result);
    }
}

void strace_format_name(struct report_text *text, uint64_t nr)
{
    const char *name = syscall_name(nr);
    if (name != NULL)
        report_text_add(text, "%s", name);
    else
        report_text_add(text, "syscall_%#lx", nr);
}

void strace_format(struct report_text *text, const struct guest_mem *mem,
                   const struct kiln_hc_syscall *call)
{
    const struct line line = {text, mem, call};
    const struct strace_call *kinds = strace_call_kinds(call->nr);
    if (call->threads > 1)
        report_text_add(text, "[pid %u] ", call->tid);
    strace_format_name(text, call->nr);
    report_text_add(text, "(");
    add_args(&line, kinds);
    report_text_add(text, ")");
    add_result(text, call->result, kinds);
}
