#include "gdb_packet.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/file_io.h"

#define CHECKSUM_DIGITS 2

/* The next byte from gdb, blocking: 0-255, or -1 when it went away. */
static int next_byte(struct gdb_conn *conn)
{
    if (conn->taken == conn->buffered) {
        ssize_t got;
        do
            got = read(conn->fd, conn->buffer, sizeof conn->buffer);
        while (got < 0 && errno == EINTR);
        if (got <= 0)
            return -1;
        conn->buffered = (size_t)got;
        conn->taken = 0;
    }
    return conn->buffer[conn->taken++];
}

static int hex_value(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static int send_bytes(struct gdb_conn *conn, const void *bytes, size_t len)
{
    return write_all(conn->fd, bytes, len) == (ssize_t)len ? 0 : -1;
}

/* The packet's body after '$', up to '#', into conn->data.  Returns 1
 * when its checksum holds, 0 when not, -1 when the connection ends or the
 * packet is too long. */
static int read_body(struct gdb_conn *conn)
{
    uint8_t sum = 0;
    int c;
    conn->len = 0;
    while ((c = next_byte(conn)) != '#') {
        if (c < 0 || conn->len == GDB_PACKET_MAX)
            return -1;
        conn->data[conn->len++] = (char)c;
        sum += (uint8_t)c;
    }
    conn->data[conn->len] = '\0';
    int high = hex_value(next_byte(conn)), low = hex_value(next_byte(conn));
    if (high < 0 || low < 0)
        return -1;
    return (uint8_t)(high << 4 | low) == sum;
}

enum gdb_read gdb_packet_read(struct gdb_conn *conn)
{
    for (;;) {
        int c = next_byte(conn);
        if (c < 0)
            return GDB_READ_CLOSED;
        if (c == GDB_INTERRUPT)
            return GDB_READ_INTERRUPT;
        if (c != '$')
            continue; /* acknowledgements, and noise between packets */
        int good = read_body(conn);
        if (good < 0)
            return GDB_READ_CLOSED;
        if (conn->no_ack && good)
            return GDB_READ_PACKET;
        if (send_bytes(conn, good ? "+" : "-", 1) != 0)
            return GDB_READ_CLOSED;
        if (good)
            return GDB_READ_PACKET;
    }
}

int gdb_packet_send(struct gdb_conn *conn, const char *data, size_t len)
{
    char frame[GDB_PACKET_MAX + 1 + 1 + CHECKSUM_DIGITS];
    uint8_t sum = 0;
    if (len > GDB_PACKET_MAX)
        return -1;
    frame[0] = '$';
    memcpy(frame + 1, data, len);
    for (size_t i = 0; i < len; i++)
        sum += (uint8_t)data[i];
    snprintf(frame + 1 + len, sizeof frame - 1 - len, "#%02x", sum);
    for (;;) {
        if (send_bytes(conn, frame, len + 1 + 1 + CHECKSUM_DIGITS) != 0)
            return -1;
        if (conn->no_ack)
            return 0;
        int answer;
        while ((answer = next_byte(conn)) != '+' && answer != '-') {
            if (answer < 0)
                return -1;
        }
        if (answer == '+')
            return 0;
    }
}

int gdb_packet_send_text(struct gdb_conn *conn, const char *text)
{
    return gdb_packet_send(conn, text, strlen(text));
}

int gdb_packet_interrupted(struct gdb_conn *conn)
{
    struct pollfd ready = {.fd = conn->fd, .events = POLLIN};
    while (conn->taken == conn->buffered) {
        int rc = poll(&ready, 1, 0);
        if (rc == 0)
            return 0;
        if (rc < 0)
            return errno == EINTR ? 0 : -1;
        if (next_byte(conn) < 0)
            return -1;
        conn->taken--; /* kept for the next read */
    }
    for (size_t i = conn->taken; i < conn->buffered; i++) {
        if (conn->buffer[i] == GDB_INTERRUPT) {
            conn->taken = i + 1;
            return 1;
        }
    }
    return 0;
}

void gdb_hex_encode(char *out, const void *bytes, size_t len)
{
    static const char digits[] = "0123456789abcdef";
    const uint8_t *in = bytes;
    for (size_t i = 0; i < len; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 0xf];
    }
    out[2 * len] = '\0';
}

int gdb_hex_decode(void *bytes, const char *hex, size_t len)
{
    uint8_t *out = bytes;
    for (size_t i = 0; i < len; i++) {
        int high = hex_value((unsigned char)hex[2 * i]);
        int low = high < 0 ? -1 : hex_value((unsigned char)hex[2 * i + 1]);
        if (low < 0)
            return -1;
        out[i] = (uint8_t)(high << 4 | low);
    }
    return 0;
}

int gdb_hex_number(const char *text, const char *stops, uint64_t *value, const char **end)
{
    uint64_t number = 0;
    const char *at = text;
    int digit;
    while ((digit = hex_value((unsigned char)*at)) >= 0) {
        if (number >> 60 != 0)
            return -1;
        number = number << 4 | (uint64_t)digit;
        at++;
    }
    if (at == text || (*at != '\0' && strchr(stops, *at) == NULL))
        return -1;
    *value = number;
    *end = at;
    return 0;
}
