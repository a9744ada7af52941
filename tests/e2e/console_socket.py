"""A console socket as conmon and containerd's shim serve one: listens on
SOCKET, takes the pty master kiln-oci sends (SCM_RIGHTS), prints the pty's
name as "pty: NAME", then everything the container writes to its terminal
until it closes it.  SOCKET.ready appears once it listens."""
import array
import os
import socket
import sys

path = sys.argv[1]
listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
listener.bind(path)
listener.listen(1)
open(path + ".ready", "w").close()
connection, _ = listener.accept()
fds = array.array("i")
name, control, _, _ = connection.recvmsg(256, socket.CMSG_LEN(fds.itemsize))
for level, kind, data in control:
    if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
        fds.frombytes(data[: fds.itemsize])
print("pty:", name.decode(), flush=True)
while True:
    try:
        chunk = os.read(fds[0], 4096)
    except OSError:  # EIO: the container closed its side
        break
    if not chunk:
        break
    sys.stdout.write(chunk.decode().replace("\r\n", "\n"))
