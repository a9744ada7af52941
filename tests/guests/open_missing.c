/* Opens the path its argument names, which should not exist, and says
 * why it could not: kiln run --strace shows the failing call. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: open_missing PATH\n");
        return 2;
    }
    int fd = open(argv[1], O_RDONLY);
    if (fd >= 0) {
        close(fd);
        printf("%s exists\n", argv[1]);
        return 1;
    }
    printf("open: %s\n", strerror(errno));
    return 0;
}
