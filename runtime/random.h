/*
 * getrandom: bytes from the CPU's RDRAND where it has one.
 */
#ifndef KILN_RUNTIME_RANDOM_H
#define KILN_RUNTIME_RANDOM_H

#include "syscall.h"

syscall_handler kiln_sys_getrandom;

#endif
