#include "oci_console.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "oci_log.h"

#define PTY_NAME_SIZE 64

static int send_master(const char *socket_path, int master, const char *name)
{
    struct sockaddr_un address = {.sun_family = AF_UNIX};
    if (strlen(socket_path) >= sizeof address.sun_path)
        return oci_error("--console-socket %s: path too long", socket_path);
    strcpy(address.sun_path, socket_path);
    int sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (sock < 0)
        return oci_error_errno("--console-socket: socket");
    union {
        char bytes[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } control = {0};
    struct iovec part = {(void *)name, strlen(name)};
    struct msghdr message = {
        .msg_iov = &part,
        .msg_iovlen = 1,
        .msg_control = control.bytes,
        .msg_controllen = sizeof control.bytes,
    };
    struct cmsghdr *rights = CMSG_FIRSTHDR(&message);
    rights->cmsg_level = SOL_SOCKET;
    rights->cmsg_type = SCM_RIGHTS;
    rights->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(rights), &master, sizeof master);
    int rc = 0;
    if (connect(sock, (struct sockaddr *)&address, sizeof address) != 0 ||
        sendmsg(sock, &message, MSG_NOSIGNAL) < 0)
        rc = oci_error("--console-socket %s: %s", socket_path, strerror(errno));
    close(sock);
    return rc;
}

static int open_slave(int master, char *name, size_t name_size)
{
    if (grantpt(master) != 0 || unlockpt(master) != 0 || ptsname_r(master, name, name_size) != 0)
        return oci_error_errno("process.terminal: cannot ready a pty");
    int slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (slave < 0)
        return oci_error("process.terminal: %s: %s", name, strerror(errno));
    return slave;
}

int oci_console_open(const char *socket_path, unsigned width, unsigned height)
{
    char name[PTY_NAME_SIZE];
    int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (master < 0)
        return oci_error_errno("process.terminal: cannot open a pty");
    int slave = open_slave(master, name, sizeof name);
    struct winsize size = {.ws_row = (unsigned short)height, .ws_col = (unsigned short)width};
    if (slave >= 0 && width > 0 && height > 0 && ioctl(slave, TIOCSWINSZ, &size) != 0) {
        oci_error_errno("process.consoleSize");
        close(slave);
        slave = -1;
    }
    if (slave >= 0 && send_master(socket_path, master, name) < 0) {
        close(slave);
        slave = -1;
    }
    close(master);
    return slave;
}
