/*
 * getrandom and /dev/urandom: bytes from the CPU's RDRAND where it has one.
 */
#ifndef KILN_RUNTIME_RANDOM_H
#define KILN_RUNTIME_RANDOM_H

#include "syscall.h"

syscall_handler kiln_sys_getrandom;

/* len random bytes into buf (memory the caller has checked). */
void kiln_random_fill(void *buf, uint64_t len);

#endif
