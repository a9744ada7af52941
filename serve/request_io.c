#include "request_io.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/report.h"

#define FIRST_OUTPUT_CAPACITY 4096

void request_io_start(struct request_io *io, const char *name, const uint8_t *body,
                      uint64_t body_size, uint64_t output_limit)
{
    *io = (struct request_io){
        .name = name, .body = body, .body_size = body_size, .output_limit = output_limit};
}

static void flush_log_line(struct request_io *io)
{
    report("%s: stderr: %.*s", io->name, (int)io->log_size, io->log_line);
    io->log_size = 0;
}

static int64_t write_log(struct request_io *io, const uint8_t *bytes, uint64_t len)
{
    for (uint64_t i = 0; i < len; i++) {
        if (bytes[i] == '\n') {
            flush_log_line(io);
            continue;
        }
        io->log_line[io->log_size++] = (char)bytes[i];
        if (io->log_size == sizeof io->log_line)
            flush_log_line(io);
    }
    return (int64_t)len;
}

static int grow_output(struct request_io *io, uint64_t needed)
{
    uint64_t capacity = io->output_capacity ? io->output_capacity : FIRST_OUTPUT_CAPACITY;
    while (capacity < needed)
        capacity *= 2;
    if (capacity > io->output_limit)
        capacity = io->output_limit;
    uint8_t *output = realloc(io->output, capacity);
    if (output == NULL)
        return -ENOMEM;
    io->output = output;
    io->output_capacity = capacity;
    return 0;
}

static int64_t write_output(struct request_io *io, const uint8_t *bytes, uint64_t len)
{
    if (len > io->output_limit - io->output_size) {
        io->output_overflowed = true;
        return -ENOSPC;
    }
    uint64_t needed = io->output_size + len;
    if (needed > io->output_capacity) {
        int rc = grow_output(io, needed);
        if (rc != 0)
            return rc;
    }
    memcpy(io->output + io->output_size, bytes, len);
    io->output_size = needed;
    return (int64_t)len;
}

/* fd 1 or 2: bytes taken, or -errno (-ENOSPC past the output limit). */
static int64_t write_fd(void *context, uint32_t fd, const uint8_t *bytes, uint64_t len)
{
    struct request_io *io = context;
    return fd == 1 ? write_output(io, bytes, len) : write_log(io, bytes, len);
}

/* The body's next bytes; 0 at its end.  The body is all here: no wait. */
static int64_t read_body(void *context, uint8_t *buf, uint64_t len, int64_t deadline_ns,
                         int wake_fd)
{
    struct request_io *io = context;
    (void)deadline_ns;
    (void)wake_fd;
    uint64_t left = io->body_size - io->body_read;
    uint64_t n = len < left ? len : left;
    memcpy(buf, io->body + io->body_read, n);
    io->body_read += n;
    return (int64_t)n;
}

static int body_wait(void *context, int64_t deadline_ns, int wake_fd)
{
    (void)context;
    (void)deadline_ns;
    (void)wake_fd;
    return 1;
}

struct guest_io request_io_guest(struct request_io *io)
{
    return (struct guest_io){
        .write = write_fd, .read = read_body, .wait = body_wait, .context = io, .finishes = true};
}

void request_io_finish(struct request_io *io)
{
    if (io->log_size > 0)
        flush_log_line(io);
}
