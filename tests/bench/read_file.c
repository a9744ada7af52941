/* The files benchmark's guest: reads a file (FILE, default /data/file) to
 * its end in 64 KiB reads and prints the bytes read.  The default spares
 * the benchmark a "--", which its command lines use as a separator. */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#define READ_SIZE (64 * 1024)

int main(int argc, char **argv)
{
    static char buf[READ_SIZE];
    long long total = 0;
    const char *path = argc > 1 ? argv[1] : "/data/file";
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        perror(path);
        return 1;
    }
    for (ssize_t got; (got = read(fd, buf, sizeof buf)) > 0;)
        total += got;
    printf("%lld\n", total);
    return 0;
}
