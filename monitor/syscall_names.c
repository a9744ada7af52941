#include "syscall_names.h"

#include <stddef.h>

/* Made by the Makefile from <asm/unistd_64.h>: [nr] = "name", ... */
static const char *const names[] = {
#include "syscall_names.inc"
};

const char *syscall_name(uint64_t nr)
{
    return nr < sizeof names / sizeof names[0] ? names[nr] : NULL;
}
