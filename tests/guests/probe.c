/*
 * A guest that reports what it sees, one line per finding, for the e2e
 * tests to check one at a time: its arguments, its environment, stdin,
 * stdout and stderr, a large heap, the clocks.  Exits 42 so that the exit
 * status can be told apart from a default 0 or 1.
 *
 * PROBE_HOST_TIME (seconds since the epoch, from the host) enables the
 * wall-clock check.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define PROBE_EXIT_STATUS  42
#define HEAP_BYTES         (32u << 20)
#define PAGE_SIZE          4096u
#define STDIN_MAX          65536
#define CLOCK_SPINS        100000000L
#define WALL_CLOCK_SLACK_S 60

extern char **environ;

static void report_args(int argc, char **argv)
{
    printf("argc=%d\n", argc);
    for (int i = 0; i < argc; i++)
        printf("argv[%d]=%s\n", i, argv[i]);
}

static void report_env(void)
{
    for (char **entry = environ; *entry != NULL; entry++)
        printf("env: %s\n", *entry);
}

static void report_stdin(void)
{
    static char text[STDIN_MAX];
    size_t total = 0;
    ssize_t got;
    while (total < sizeof text && (got = read(0, text + total, sizeof text - total)) > 0)
        total += (size_t)got;
    printf("stdin bytes=%zu\n", total);
    printf("stdin text=%.*s\n", (int)total, text);
}

static unsigned char page_pattern(size_t page)
{
    return (unsigned char)(page * 7 + 1);
}

static void report_heap(void)
{
    unsigned char *heap = malloc(HEAP_BYTES);
    size_t pages = HEAP_BYTES / PAGE_SIZE;
    size_t wrong = 0;
    if (heap == NULL) {
        printf("malloc 32 MiB: failed\n");
        return;
    }
    for (size_t page = 0; page < pages; page++)
        heap[page * PAGE_SIZE + page % PAGE_SIZE] = page_pattern(page);
    for (size_t page = 0; page < pages; page++)
        wrong += heap[page * PAGE_SIZE + page % PAGE_SIZE] != page_pattern(page);
    if (wrong == 0)
        printf("malloc 32 MiB: ok\n");
    else
        printf("malloc 32 MiB: %zu of %zu pages read back wrong\n", wrong, pages);
    free(heap);
}

static long long ns_of(struct timespec t)
{
    return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static void report_monotonic(void)
{
    struct timespec start, now;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (long spin = 0; spin < CLOCK_SPINS; spin++) {
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (ns_of(now) < ns_of(start)) {
            printf("monotonic: went backwards\n");
            return;
        }
        if (ns_of(now) > ns_of(start)) {
            printf("monotonic: advances\n");
            return;
        }
    }
    printf("monotonic: stuck\n");
}

static void report_realtime(void)
{
    const char *host = getenv("PROBE_HOST_TIME");
    struct timespec now;
    if (host == NULL) {
        printf("realtime: no PROBE_HOST_TIME to compare with\n");
        return;
    }
    clock_gettime(CLOCK_REALTIME, &now);
    long long off = (long long)now.tv_sec - atoll(host);
    if (off >= -WALL_CLOCK_SLACK_S && off <= WALL_CLOCK_SLACK_S)
        printf("realtime: within a minute of the host\n");
    else
        printf("realtime: %lld s off the host\n", off);
}

int main(int argc, char **argv)
{
    report_args(argc, argv);
    report_env();
    report_stdin();
    report_heap();
    report_monotonic();
    report_realtime();
    printf("probe: to stdout\n");
    fprintf(stderr, "probe: to stderr\n");
    return PROBE_EXIT_STATUS;
}
