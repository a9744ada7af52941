#!/usr/bin/env python3
"""A hostile GDB client for tests/e2e/gdb.bats: speaks the remote protocol
to kiln run --gdb by hand, with packets gdb would never send, and prints
each answer, one per line.  Usage: gdb_client.py PORT PACKET..., where a
PACKET of "bad:DATA" goes out with a wrong checksum and "raw:DATA" as it
is, without framing."""
import socket
import sys


def frame(data):
    return b"$" + data + b"#%02x" % (sum(data) & 0xFF)


def answer(conn):
    """The next packet's data, after acknowledging it; '-' for a refusal."""
    byte = conn.recv(1)
    while byte == b"+":
        byte = conn.recv(1)
    if byte in (b"-", b""):
        return byte.decode() or "(closed)"
    data = b""
    while (byte := conn.recv(1)) != b"#":
        if not byte:
            return "(closed)"
        data += byte
    conn.recv(2)
    conn.sendall(b"+")
    return data.decode(errors="replace")


def main():
    conn = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=120)
    for packet in sys.argv[2:]:
        if packet.startswith("bad:"):
            conn.sendall(b"$" + packet[4:].encode() + b"#00")
        elif packet.startswith("raw:"):
            conn.sendall(packet[4:].encode())
        else:
            conn.sendall(frame(packet.encode()))
        print(answer(conn), flush=True)


main()
