/*
 * One kiln serve request's fds 0-2.  stdin reads the request's body;
 * stdout fills the response buffer, up to its limit; stderr goes to the
 * server's log line by line, as "kiln: NAME: stderr: LINE", NAME being
 * the route and request id.
 */
#ifndef KILN_REQUEST_IO_H
#define KILN_REQUEST_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "monitor/guest_io.h"

/* Longer stderr lines are cut into pieces of this many bytes. */
#define REQUEST_LOG_LINE_MAX 1024

struct request_io {
    const char *name;
    const uint8_t *body;
    uint64_t body_size;
    uint64_t body_read;
    uint8_t *output; /* malloc'd; the caller takes it when done */
    uint64_t output_size;
    uint64_t output_capacity;
    uint64_t output_limit;
    bool output_overflowed; /* a write would have passed output_limit */
    char log_line[REQUEST_LOG_LINE_MAX];
    size_t log_size;
};

void request_io_start(struct request_io *io, const char *name, const uint8_t *body,
                      uint64_t body_size, uint64_t output_limit);

/* The guest's stdio behind io: what a function's VM is made with. */
struct guest_io request_io_guest(struct request_io *io);

/* Logs a last stderr line that had no newline. */
void request_io_finish(struct request_io *io);

#endif
