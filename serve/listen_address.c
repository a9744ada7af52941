#include "listen_address.h"

#include <arpa/inet.h>
#include <string.h>

void listen_address_make(const char *host, bool ipv6, uint16_t port, union listen_address *address)
{
    memset(address, 0, sizeof *address);
    if (ipv6) {
        address->v6.sin6_family = AF_INET6;
        address->v6.sin6_port = htons(port);
        inet_pton(AF_INET6, host, &address->v6.sin6_addr);
    } else {
        address->v4.sin_family = AF_INET;
        address->v4.sin_port = htons(port);
        inet_pton(AF_INET, host, &address->v4.sin_addr);
    }
}
