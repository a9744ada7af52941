/*
 * The socket address a listener binds, from kiln serve's numeric host
 * (IPv6 without brackets) and port: the public listener's and --admin's.
 */
#ifndef KILN_LISTEN_ADDRESS_H
#define KILN_LISTEN_ADDRESS_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

union listen_address {
    struct sockaddr any;
    struct sockaddr_in v4;
    struct sockaddr_in6 v6;
};

/* host was checked numeric when the options were read. */
void listen_address_make(const char *host, bool ipv6, uint16_t port, union listen_address *address);

#endif
