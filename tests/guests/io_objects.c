/*
 * Pipes, eventfds, timerfds, poll, select and epoll as one thread uses
 * them, one case at a time, printing what it sees so that a case gives
 * the same lines natively (musl-gcc -static) and under kiln:
 *
 *   io_objects CASE
 *
 * Times are printed as whether they held, never as numbers.  pipe-sigpipe
 * and pipe-stuck end the run instead (by SIGPIPE, and stuck with nothing
 * to wake the one thread).
 */
#define _GNU_SOURCE
#include "cases.h"
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#define PIPE_CAPACITY 65536
#define PAGE          4096

/* Prints what a call answered: its result, or its errno's name. */
static void said(const char *what, long result)
{
    if (result < 0)
        printf("%s: %s\n", what, strerror(errno));
    else
        printf("%s: %ld\n", what, result);
}

static long elapsed_ms(const struct timespec *start)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (now.tv_sec - start->tv_sec) * 1000 + (now.tv_nsec - start->tv_nsec) / 1000000;
}

/* A regular file, which poll finds always ready and epoll refuses.
 * mkstemp, not O_TMPFILE: the test VM's /tmp may not take that. */
static int regular_file(void)
{
    char name[] = "/tmp/io_objects-XXXXXX";
    int fd = mkstemp(name);
    if (fd >= 0)
        unlink(name);
    return fd;
}

static void made_pipe(int fds[2], int flags)
{
    if (pipe2(fds, flags) != 0)
        printf("pipe2: %s\n", strerror(errno));
}

/* One poll of one fd for events, with a 0 timeout: its revents. */
static int revents(int fd, short events)
{
    struct pollfd entry = {.fd = fd, .events = events};
    return poll(&entry, 1, 0) < 0 ? -errno : entry.revents;
}

static void pipe_basics(void)
{
    int fds[2], unread;
    char buf[16];
    struct stat st;

    made_pipe(fds, 0);
    said("write", write(fds[1], "hello", 5));
    said("FIONREAD", ioctl(fds[0], FIONREAD, &unread) ? -1 : unread);
    said("read 3", read(fds[0], buf, 3));
    said("read rest", read(fds[0], buf, sizeof buf));
    said("fstat", fstat(fds[0], &st));
    printf("fifo: %d\n", S_ISFIFO(st.st_mode));
    said("read end flags", fcntl(fds[0], F_GETFL) & (O_ACCMODE | O_NONBLOCK));
    said("write end flags", fcntl(fds[1], F_GETFL) & (O_ACCMODE | O_NONBLOCK));
    said("read of the write end", read(fds[1], buf, 1));
    said("write to the read end", write(fds[0], "x", 1));
    said("lseek", lseek(fds[0], 0, SEEK_SET));
    said("pwrite", pwrite(fds[1], "x", 1, 0));
    said("pipe2 with a bad flag", pipe2(fds, O_APPEND));
    made_pipe(fds, O_NONBLOCK | O_CLOEXEC);
    said("nonblocking read of an empty pipe", read(fds[0], buf, 1));
    said("FD_CLOEXEC", fcntl(fds[0], F_GETFD));
    said("O_NONBLOCK", (fcntl(fds[1], F_GETFL) & O_NONBLOCK) != 0);
    said("F_SETFL clears it", fcntl(fds[0], F_SETFL, 0));
    said("O_NONBLOCK after", (fcntl(fds[0], F_GETFL) & O_NONBLOCK) != 0);
    said("FIONBIO", ioctl(fds[0], FIONBIO, &(int){1}));
    said("read after FIONBIO", read(fds[0], buf, 1));
}

static void pipe_eof(void)
{
    int fds[2];
    char buf[16];

    made_pipe(fds, 0);
    said("write", write(fds[1], "abc", 3));
    said("close the write end", close(fds[1]));
    said("revents with data left", revents(fds[0], POLLIN));
    said("read", read(fds[0], buf, sizeof buf));
    said("read at the end", read(fds[0], buf, sizeof buf));
    said("revents at the end", revents(fds[0], POLLIN));
}

static void pipe_epipe(void)
{
    int fds[2];

    signal(SIGPIPE, SIG_IGN);
    made_pipe(fds, 0);
    said("close the read end", close(fds[0]));
    said("write", write(fds[1], "x", 1));
    said("revents", revents(fds[1], POLLOUT));
}

/* Dies of SIGPIPE, as on Linux, before it can say "survived". */
static void pipe_sigpipe(void)
{
    int fds[2];

    made_pipe(fds, 0);
    close(fds[0]);
    write(fds[1], "x", 1);
    printf("survived\n");
}

/* Waits for ever natively; kiln finds nothing that could wake it. */
static void pipe_stuck(void)
{
    int fds[2];
    char c;

    made_pipe(fds, 0);
    read(fds[0], &c, 1);
}

static void pipe_full(void)
{
    static char buf[PIPE_CAPACITY];
    int fds[2];
    long total = 0, n;

    made_pipe(fds, O_NONBLOCK);
    while ((n = write(fds[1], buf, PAGE)) > 0)
        total += n;
    said("filled with", total);
    said("then a write", n);
    said("revents when full", revents(fds[1], POLLOUT));
    said("read two pages", read(fds[0], buf, 2 * PAGE));
    said("revents after", revents(fds[1], POLLOUT));
    said("a large write fills the room", write(fds[1], buf, 5 * PAGE));
    said("read it all", read(fds[0], buf, sizeof buf));
    said("write all but 100", write(fds[1], buf, PIPE_CAPACITY - 100));
    said("200 bytes do not fit whole", write(fds[1], buf, 200));
    said("100 bytes do", write(fds[1], buf, 100));
    said("1 more does not", write(fds[1], buf, 1));
}

static void pipe_dup(void)
{
    int fds[2];
    char buf[16];

    made_pipe(fds, 0);
    said("dup2 the write end to 10", dup2(fds[1], 10));
    said("close the write end", close(fds[1]));
    said("write through 10", write(10, "via10", 5));
    said("read", read(fds[0], buf, sizeof buf));
    said("dup the read end", dup(fds[0]) > 0);
    said("close fd 10", close(10));
    said("read after the last writer closed", read(fds[0], buf, sizeof buf));
    said("dup3 with O_CLOEXEC", dup3(fds[0], 11, O_CLOEXEC));
    said("FD_CLOEXEC", fcntl(11, F_GETFD));
}

static void poll_calls(void)
{
    int fds[2], file = regular_file();
    struct timespec start;

    made_pipe(fds, 0);
    clock_gettime(CLOCK_MONOTONIC, &start);
    struct pollfd empty = {.fd = fds[0], .events = POLLIN};
    said("poll an empty pipe for 50 ms", poll(&empty, 1, 50));
    printf("waited 50 ms: %d\n", elapsed_ms(&start) >= 50);
    struct pollfd several[] = {
        {.fd = fds[0], .events = POLLIN},
        {.fd = -1, .events = POLLIN},
        {.fd = 99, .events = POLLIN},
        {.fd = fds[1], .events = POLLOUT},
        {.fd = file, .events = POLLIN | POLLOUT},
    };
    said("poll several", poll(several, 5, -1));
    for (int i = 0; i < 5; i++)
        printf("revents %d: %#x\n", i, several[i].revents);
    clock_gettime(CLOCK_MONOTONIC, &start);
    said("poll nothing for 20 ms", poll(NULL, 0, 20));
    printf("waited 20 ms: %d\n", elapsed_ms(&start) >= 20);
    struct timespec timeout = {.tv_nsec = 20000000};
    sigset_t mask;
    sigemptyset(&mask);
    said("ppoll with a mask", ppoll(&empty, 1, &timeout, &mask));
    timeout.tv_nsec = -1;
    said("ppoll with a bad timeout", ppoll(&empty, 1, &timeout, NULL));
    said("write", write(fds[1], "x", 1));
    said("poll after a write", poll(&empty, 1, -1));
    printf("revents: %#x\n", empty.revents);
}

static void select_calls(void)
{
    int fds[2];
    fd_set readable, writable;
    struct timeval timeout = {.tv_usec = 30000};
    struct timespec start;

    made_pipe(fds, 0);
    FD_ZERO(&readable);
    FD_SET(fds[0], &readable);
    clock_gettime(CLOCK_MONOTONIC, &start);
    said("select an empty pipe for 30 ms", select(fds[0] + 1, &readable, NULL, NULL, &timeout));
    printf("waited 30 ms: %d\n", elapsed_ms(&start) >= 30);
    printf("still set: %d\n", FD_ISSET(fds[0], &readable));
    write(fds[1], "x", 1);
    FD_ZERO(&readable);
    FD_ZERO(&writable);
    FD_SET(fds[0], &readable);
    FD_SET(fds[1], &readable);
    FD_SET(fds[1], &writable);
    said("select after a write", select(fds[1] + 1, &readable, &writable, NULL, NULL));
    printf("read end readable: %d\n", FD_ISSET(fds[0], &readable));
    printf("write end readable: %d\n", FD_ISSET(fds[1], &readable));
    printf("write end writable: %d\n", FD_ISSET(fds[1], &writable));
    FD_ZERO(&readable);
    FD_SET(42, &readable);
    said("select a closed fd", select(43, &readable, NULL, NULL, NULL));
    said("select with nfds -1", select(-1, NULL, NULL, NULL, NULL));
    struct timespec zero = {0};
    sigset_t mask;
    sigemptyset(&mask);
    FD_ZERO(&readable);
    FD_SET(fds[0], &readable);
    said("pselect with a mask", pselect(fds[0] + 1, &readable, NULL, NULL, &zero, &mask));
}

/* One epoll_wait with a 0 timeout: how many, and the first one's data. */
static void waited(int epfd, const char *what)
{
    struct epoll_event events[4];
    int n = epoll_wait(epfd, events, 4, 0);
    if (n > 0)
        printf("%s: %d (data %d, events %#x)\n", what, n, (int)events[0].data.u32,
               events[0].events);
    else
        said(what, n);
}

static int watch(int epfd, int fd, uint32_t events, uint32_t data)
{
    struct epoll_event event = {.events = events, .data.u32 = data};
    return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &event);
}

static void epoll_level(void)
{
    int fds[2], epfd = epoll_create1(0);
    char buf[8];

    made_pipe(fds, 0);
    said("add", watch(epfd, fds[0], EPOLLIN, 7));
    waited(epfd, "empty");
    write(fds[1], "ab", 2);
    waited(epfd, "after a write");
    waited(epfd, "again");
    read(fds[0], buf, sizeof buf);
    waited(epfd, "after reading it all");
    close(fds[1]);
    waited(epfd, "after the writer closed");
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    int other[2];
    made_pipe(other, 0);
    int epfd2 = epoll_create(1);
    watch(epfd2, other[0], EPOLLIN, 1);
    struct epoll_event event;
    said("epoll_wait for 30 ms", epoll_wait(epfd2, &event, 1, 30));
    printf("waited 30 ms: %d\n", elapsed_ms(&start) >= 30);
}

static void epoll_edge(void)
{
    int fds[2], epfd = epoll_create1(EPOLL_CLOEXEC);
    char buf[8];

    made_pipe(fds, 0);
    said("add", watch(epfd, fds[0], EPOLLIN | EPOLLET, 3));
    write(fds[1], "abcd", 4);
    waited(epfd, "after a write");
    waited(epfd, "again");
    read(fds[0], buf, 2);
    waited(epfd, "after a partial read");
    write(fds[1], "e", 1);
    waited(epfd, "after another write");
    said("watch the write end", watch(epfd, fds[1], EPOLLOUT | EPOLLET, 4));
    waited(epfd, "the write end at first");
    waited(epfd, "and again");
}

static void epoll_oneshot(void)
{
    int fds[2], epfd = epoll_create1(0);
    struct epoll_event event = {.events = EPOLLIN | EPOLLONESHOT, .data.u32 = 5};

    made_pipe(fds, 0);
    said("add", epoll_ctl(epfd, EPOLL_CTL_ADD, fds[0], &event));
    write(fds[1], "a", 1);
    waited(epfd, "after a write");
    write(fds[1], "b", 1);
    waited(epfd, "after another");
    said("mod", epoll_ctl(epfd, EPOLL_CTL_MOD, fds[0], &event));
    waited(epfd, "after mod");
    waited(epfd, "again");
}

static void epoll_errors(void)
{
    int fds[2], epfd = epoll_create1(0), file = regular_file();
    struct epoll_event event = {.events = EPOLLIN};

    made_pipe(fds, 0);
    said("epoll_create1 with a bad flag", epoll_create1(O_NONBLOCK));
    said("epoll_create 0", syscall(SYS_epoll_create, 0));
    said("add", watch(epfd, fds[0], EPOLLIN, 1));
    said("add again", watch(epfd, fds[0], EPOLLIN, 1));
    said("mod one not there", epoll_ctl(epfd, EPOLL_CTL_MOD, fds[1], &event));
    said("del one not there", epoll_ctl(epfd, EPOLL_CTL_DEL, fds[1], NULL));
    said("add a regular file", watch(epfd, file, EPOLLIN, 1));
    said("add the set to itself", watch(epfd, epfd, EPOLLIN, 1));
    said("add to a pipe", watch(fds[0], fds[1], EPOLLIN, 1));
    said("add a closed fd", watch(epfd, 77, EPOLLIN, 1));
    said("bad op", epoll_ctl(epfd, 9, fds[1], &event));
    said("wait for 0 events", epoll_wait(epfd, &event, 0, 0));
    said("wait on a pipe", epoll_wait(fds[0], &event, 1, 0));
    said("wait on a closed fd", epoll_wait(77, &event, 1, 0));
    said("del", epoll_ctl(epfd, EPOLL_CTL_DEL, fds[0], NULL));
    said("del again", epoll_ctl(epfd, EPOLL_CTL_DEL, fds[0], NULL));
}

/* An item goes when its file's last fd closes, not before. */
static void epoll_close(void)
{
    int fds[2], epfd = epoll_create1(0);

    made_pipe(fds, 0);
    watch(epfd, fds[0], EPOLLIN, 8);
    write(fds[1], "a", 1);
    int copy = dup(fds[0]);
    close(fds[0]);
    waited(epfd, "with a dup left");
    close(copy);
    waited(epfd, "after the last close");
    made_pipe(fds, 0);
    watch(epfd, fds[0], EPOLLIN, 9);
    watch(epfd, fds[1], EPOLLOUT, 10);
    close(fds[0]);
    waited(epfd, "the write end with no reader");
}

static void epoll_nested(void)
{
    int fds[2], inner = epoll_create1(0), outer = epoll_create1(0);

    made_pipe(fds, 0);
    watch(inner, fds[0], EPOLLIN, 1);
    said("add the inner set", watch(outer, inner, EPOLLIN, 2));
    said("add the outer set to the inner", watch(inner, outer, EPOLLIN, 3));
    waited(outer, "outer, empty");
    said("revents of the inner set", revents(inner, POLLIN));
    write(fds[1], "a", 1);
    waited(outer, "outer, after a write");
    said("revents of the inner set", revents(inner, POLLIN));
}

static void counters(void)
{
    uint64_t value = 0;
    int fd = eventfd(3, EFD_NONBLOCK);

    said("read", read(fd, &value, sizeof value));
    printf("value: %llu\n", (unsigned long long)value);
    said("read at 0", read(fd, &value, sizeof value));
    said("revents at 0", revents(fd, POLLIN | POLLOUT));
    said("short read", read(fd, &value, 4));
    said("short write", write(fd, &value, 4));
    value = UINT64_MAX;
    said("write UINT64_MAX", write(fd, &value, sizeof value));
    value = UINT64_MAX - 1;
    said("write the most", write(fd, &value, sizeof value));
    said("revents when full", revents(fd, POLLIN | POLLOUT));
    value = 1;
    said("write past it", write(fd, &value, sizeof value));
    int sem = eventfd(2, EFD_SEMAPHORE | EFD_NONBLOCK | EFD_CLOEXEC);
    said("FD_CLOEXEC", fcntl(sem, F_GETFD));
    for (int i = 0; i < 3; i++) {
        value = 0;
        said("semaphore read", read(sem, &value, sizeof value));
        printf("value: %llu\n", (unsigned long long)value);
    }
    int epfd = epoll_create1(0);
    watch(epfd, sem, EPOLLIN | EPOLLET, 6);
    waited(epfd, "edge at 0");
    value = 5;
    write(sem, &value, sizeof value);
    waited(epfd, "after a write");
    read(sem, &value, sizeof value);
    waited(epfd, "after a read");
}

static void timers(void)
{
    int fd = timerfd_create(CLOCK_MONOTONIC, 0);
    struct itimerspec setting = {.it_value.tv_nsec = 20000000}, now;
    uint64_t ticks = 0;
    struct timespec start;

    said("timerfd_create with a bad clock", timerfd_create(12345, 0));
    clock_gettime(CLOCK_MONOTONIC, &start);
    said("settime", timerfd_settime(fd, 0, &setting, NULL));
    said("revents before", revents(fd, POLLIN));
    said("read", read(fd, &ticks, sizeof ticks));
    printf("ticks: %llu, waited 20 ms: %d\n", (unsigned long long)ticks, elapsed_ms(&start) >= 20);
    said("gettime", timerfd_gettime(fd, &now));
    printf("value: %ld.%09ld\n", (long)now.it_value.tv_sec, now.it_value.tv_nsec);
    setting.it_interval.tv_nsec = 10000000;
    setting.it_value.tv_nsec = 10000000;
    said("settime with an interval", timerfd_settime(fd, 0, &setting, NULL));
    struct timespec pause = {.tv_nsec = 45000000};
    nanosleep(&pause, NULL);
    said("read", read(fd, &ticks, sizeof ticks));
    printf("at least 4 ticks: %d\n", ticks >= 4);
    said("gettime", timerfd_gettime(fd, &now));
    printf("interval: %ld\n", now.it_interval.tv_nsec);
    int idle = timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK);
    said("read of an idle timer", read(idle, &ticks, sizeof ticks));
    struct timespec wall;
    clock_gettime(CLOCK_REALTIME, &wall);
    setting = (struct itimerspec){.it_value = {.tv_sec = wall.tv_sec, .tv_nsec = wall.tv_nsec}};
    setting.it_value.tv_nsec += 20000000;
    if (setting.it_value.tv_nsec >= 1000000000) {
        setting.it_value.tv_sec++;
        setting.it_value.tv_nsec -= 1000000000;
    }
    said("settime absolute", timerfd_settime(idle, TFD_TIMER_ABSTIME, &setting, NULL));
    struct pollfd entry = {.fd = idle, .events = POLLIN};
    said("poll until it expires", poll(&entry, 1, 1000));
    said("read", read(idle, &ticks, sizeof ticks));
    printf("ticks: %llu\n", (unsigned long long)ticks);
}

static void standard_input(void)
{
    struct pollfd entry = {.fd = 0, .events = POLLIN};
    char buf[8];

    said("poll stdin", poll(&entry, 1, 1000));
    printf("readable: %d\n", (entry.revents & POLLIN) != 0);
    said("read", read(0, buf, sizeof buf));
    entry = (struct pollfd){.fd = 1, .events = POLLOUT};
    said("poll stdout", poll(&entry, 1, 0));
}

static const struct guest_case cases[] = {
    {"pipe-basics", pipe_basics},   {"pipe-eof", pipe_eof},       {"pipe-epipe", pipe_epipe},
    {"pipe-sigpipe", pipe_sigpipe}, {"pipe-stuck", pipe_stuck},   {"pipe-full", pipe_full},
    {"pipe-dup", pipe_dup},         {"poll", poll_calls},         {"select", select_calls},
    {"epoll-level", epoll_level},   {"epoll-edge", epoll_edge},   {"epoll-oneshot", epoll_oneshot},
    {"epoll-errors", epoll_errors}, {"epoll-close", epoll_close}, {"epoll-nested", epoll_nested},
    {"eventfd", counters},          {"timerfd", timers},          {"stdin", standard_input},
};

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: io_objects CASE\n");
        return 2;
    }
    return run_cases(cases, sizeof cases / sizeof cases[0], argc, argv) == 0 ? 2 : 0;
}
