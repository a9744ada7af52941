/* The self-pipe trick: a SIGALRM handler writes a byte to a pipe, and the
 * main loop, blocked in poll() with no timeout, wakes to read it.  poll
 * may first return EINTR for the signal that wrote the byte; then it is
 * called again and finds the byte. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#define ROUNDS 3

static int wake_fd = -1;

static void on_alarm(int signo)
{
    char byte = (char)signo;
    int saved = errno;
    write(wake_fd, &byte, 1);
    errno = saved;
}

int main(void)
{
    int fds[2];
    if (pipe2(fds, O_NONBLOCK | O_CLOEXEC) != 0) {
        printf("pipe2: %s\n", strerror(errno));
        return 1;
    }
    wake_fd = fds[1];
    struct sigaction action = {.sa_handler = on_alarm};
    sigemptyset(&action.sa_mask);
    sigaction(SIGALRM, &action, NULL);
    for (int round = 1; round <= ROUNDS; round++) {
        struct itimerval in_100ms = {.it_value = {.tv_usec = 100000}};
        setitimer(ITIMER_REAL, &in_100ms, NULL);
        struct pollfd readable = {.fd = fds[0], .events = POLLIN};
        int ready;
        while ((ready = poll(&readable, 1, -1)) == -1 && errno == EINTR)
            ;
        char byte = 0;
        ssize_t got = read(fds[0], &byte, 1);
        if (ready != 1 || !(readable.revents & POLLIN) || got != 1 || byte != SIGALRM) {
            printf("round %d: poll %d, revents %#x, read %zd, byte %d\n", round, ready,
                   readable.revents, got, byte);
            return 1;
        }
        got = read(fds[0], &byte, 1);
        if (got != -1 || errno != EAGAIN) {
            printf("round %d: a second byte in the pipe\n", round);
            return 1;
        }
        printf("woke\n");
    }
    return 0;
}
