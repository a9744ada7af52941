/* Calls what a kiln guest cannot have, a made-up system call and fork(),
 * and expects -1 with ENOSYS from each, then carries on. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define NO_SUCH_SYSCALL 999

static int failed(const char *call, long result)
{
    if (result == -1 && errno == ENOSYS)
        return 0;
    fprintf(stderr, "%s returned %ld (errno %d, %s); expected -1 and ENOSYS\n", call, result, errno,
            strerror(errno));
    return 1;
}

int main(void)
{
    int failures = 0;
    errno = 0;
    failures += failed("syscall(999)", syscall(NO_SUCH_SYSCALL));
    errno = 0;
    failures += failed("fork()", (long)fork());
    if (failures > 0)
        return 1;
    printf("survived\n");
    return 0;
}
