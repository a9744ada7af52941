/*
 * The GDB remote serial protocol's framing (GDB's manual, "Remote
 * Protocol"): a packet is "$data#cc", cc the sum of data's bytes modulo
 * 256 in hex, answered '+' (or '-': send it again) until both sides agree
 * to drop the answers (QStartNoAckMode); a lone 0x03 asks to interrupt.
 * Reads and writes a connected socket, nothing else.
 */
#ifndef KILN_GDB_PACKET_H
#define KILN_GDB_PACKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The largest packet kiln takes or sends: what it offers in qSupported. */
#define GDB_PACKET_MAX 4096
#define GDB_INTERRUPT  0x03

struct gdb_conn {
    int fd;
    bool no_ack;                    /* after QStartNoAckMode */
    char data[GDB_PACKET_MAX + 1];  /* the last packet read, NUL-terminated */
    size_t len;                     /* of data */
    uint8_t buffer[GDB_PACKET_MAX]; /* bytes read but not yet taken */
    size_t buffered, taken;
};

enum gdb_read {
    GDB_READ_PACKET,    /* a packet is in conn->data */
    GDB_READ_INTERRUPT, /* gdb sent 0x03 */
    GDB_READ_CLOSED,    /* gdb went away, or sent what is not the protocol */
};

/* Blocks for the next packet or interrupt.  A packet with a bad checksum
 * is refused ('-') and read again; one too long ends the connection. */
enum gdb_read gdb_packet_read(struct gdb_conn *conn);

/* Sends data as one packet, again while gdb answers '-'.  Returns 0, or
 * -1 when the connection is gone. */
int gdb_packet_send(struct gdb_conn *conn, const char *data, size_t len);
int gdb_packet_send_text(struct gdb_conn *conn, const char *text);

/* Whether gdb sent an interrupt, without blocking; other bytes are kept
 * for gdb_packet_read.  Returns 1, 0, or -1 when the connection is gone. */
int gdb_packet_interrupted(struct gdb_conn *conn);

/* Two lowercase hex digits a byte; out holds 2 * len + 1. */
void gdb_hex_encode(char *out, const void *bytes, size_t len);

/* 2 * len hex digits into len bytes: 0, or -1 when hex holds other
 * characters. */
int gdb_hex_decode(void *bytes, const char *hex, size_t len);

/* A hexadecimal number ending at one of the stop characters (or the end):
 * 0 with *value and *end set, or -1 when there is none or it overflows. */
int gdb_hex_number(const char *text, const char *stops, uint64_t *value, const char **end);

#endif
