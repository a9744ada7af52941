/* Passes every other run: run N claims /state/run.N, the first N whose
 * file does not exist yet, in a read-write volume, and passes when N is
 * even.  O_EXCL makes the claim atomic, so runs side by side (--repeat
 * with -j) still count 1, 2, 3, ... */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#define MAX_RUNS 1000

int main(void)
{
    for (unsigned run = 1; run <= MAX_RUNS; run++) {
        char path[32];
        snprintf(path, sizeof path, "/state/run.%u", run);
        int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
        if (fd >= 0) {
            close(fd);
            printf("flaky: run %u\n", run);
            return run % 2 == 0 ? 0 : 1;
        }
        if (errno != EEXIST) {
            perror(path);
            return 2;
        }
    }
    fprintf(stderr, "flaky: more than %d runs\n", MAX_RUNS);
    return 2;
}
