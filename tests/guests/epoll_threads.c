/* One epoll loop over two pipes, each fed by its own thread with 1000
 * numbered messages; the loop reads until both writers have closed their
 * ends, and checks that each pipe's messages came whole and in order. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#define PIPES    2
#define MESSAGES 1000

/* Smaller than PIPE_BUF, so each write lands whole. */
struct message {
    uint32_t pipe;
    uint32_t number;
    char text[24];
};

struct writer {
    int pipe, fd;
};

static void *write_messages(void *arg)
{
    struct writer *w = arg;
    for (uint32_t n = 0; n < MESSAGES; n++) {
        struct message m = {.pipe = (uint32_t)w->pipe, .number = n};
        snprintf(m.text, sizeof m.text, "pipe %d message %u", w->pipe, n);
        if (write(w->fd, &m, sizeof m) != (ssize_t)sizeof m)
            printf("pipe %d: write of message %u failed: %s\n", w->pipe, n, strerror(errno));
    }
    close(w->fd);
    return NULL;
}

struct reader {
    int fd;
    size_t held; /* bytes of a message read so far */
    union {
        struct message message;
        char bytes[sizeof(struct message)];
    } partial;
    uint32_t received, out_of_order;
    uint64_t sum;
};

static void take(struct reader *r, int pipe)
{
    struct message *m = &r->partial.message;
    char expected[sizeof m->text];
    snprintf(expected, sizeof expected, "pipe %d message %u", pipe, r->received);
    if (m->pipe != (uint32_t)pipe || m->number != r->received || strcmp(m->text, expected) != 0)
        r->out_of_order++;
    r->sum += m->number;
    r->received++;
}

/* Reads what is there: 0, or 1 at end of file, where the pipe leaves the
 * epoll set; -1 on an error. */
static int drain(int epoll_fd, struct reader *r, int pipe)
{
    ssize_t got = read(r->fd, r->partial.bytes + r->held, sizeof r->partial - r->held);
    if (got < 0)
        return errno == EAGAIN || errno == EINTR ? 0 : -1;
    if (got == 0) {
        epoll_ctl(epoll_fd, EPOLL_CTL_DEL, r->fd, NULL);
        close(r->fd);
        return 1;
    }
    r->held += (size_t)got;
    if (r->held == sizeof r->partial) {
        take(r, pipe);
        r->held = 0;
    }
    return 0;
}

int main(void)
{
    struct reader readers[PIPES] = {0};
    struct writer writers[PIPES];
    pthread_t threads[PIPES];
    int epoll_fd = epoll_create1(EPOLL_CLOEXEC);
    for (int p = 0; p < PIPES; p++) {
        int fds[2];
        if (pipe(fds) != 0) {
            printf("pipe: %s\n", strerror(errno));
            return 1;
        }
        readers[p].fd = fds[0];
        writers[p] = (struct writer){.pipe = p, .fd = fds[1]};
        struct epoll_event event = {.events = EPOLLIN, .data.u32 = (uint32_t)p};
        epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fds[0], &event);
    }
    for (int p = 0; p < PIPES; p++)
        pthread_create(&threads[p], NULL, write_messages, &writers[p]);
    int open_pipes = PIPES;
    while (open_pipes > 0) {
        struct epoll_event events[PIPES];
        int ready = epoll_wait(epoll_fd, events, PIPES, -1);
        if (ready < 0 && errno != EINTR) {
            printf("epoll_wait: %s\n", strerror(errno));
            return 1;
        }
        for (int e = 0; e < ready; e++) {
            int p = (int)events[e].data.u32;
            int drained = drain(epoll_fd, &readers[p], p);
            if (drained < 0) {
                printf("pipe %d: read: %s\n", p, strerror(errno));
                return 1;
            }
            open_pipes -= drained;
        }
    }
    for (int p = 0; p < PIPES; p++)
        pthread_join(threads[p], NULL);
    int good = 1;
    for (int p = 0; p < PIPES; p++) {
        printf("pipe %d: %u messages, %u out of order, numbers sum to %llu\n", p,
               readers[p].received, readers[p].out_of_order, (unsigned long long)readers[p].sum);
        good &=
            readers[p].received == MESSAGES && readers[p].out_of_order == 0 && readers[p].held == 0;
    }
    close(epoll_fd);
    return good ? 0 : 1;
}
