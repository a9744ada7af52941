/*
 * kiln serve's stdout: once READY has returned, what the program writes
 * to fd 1 is gathered here and handed over with its exit status in one
 * FINISH call, instead of a WRITE exit per flush and then EXIT.
 */
#ifndef KILN_RUNTIME_RESPONSE_H
#define KILN_RUNTIME_RESPONSE_H

#include <stdbool.h>
#include <stdint.h>

/* Called by ready.c when READY returns with a request. */
void kiln_response_start(void);

bool kiln_response_active(void);

/* Takes len bytes of stdout: bytes taken, or -errno. */
int64_t kiln_response_write(const void *buf, uint64_t len);

_Noreturn void kiln_response_finish(int32_t status);

#endif
