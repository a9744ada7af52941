/*
 * A guest that reports what it sees, one line per finding, for the e2e
 * tests to check one at a time: its arguments, its environment, stdin,
 * stdout and stderr, a large heap, the clocks.  Exits 42 so that the exit
 * status can be told apart from a default 0 or 1.
 *
 * PROBE_HOST_TIME (seconds since the epoch, from the host) enables the
 * wall-clock check.
 *
 * "probe check one 'two words' ''", with exactly GREETING=hello,
 * "SPACED=a b" and PROBE_HOST_TIME in its environment and stdin empty, is
 * a test for kiln test instead (tests/e2e/self_tests.bats): it checks
 * what it sees itself and exits 0 when all is as expected, else 1.
 */
#include <stdbool.h>
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
#define CHECK_ARG          "check"
#define CHECK_FAILED       1

#define COUNT_OF(array) (sizeof(array) / sizeof((array)[0]))

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

static size_t report_stdin(void)
{
    static char text[STDIN_MAX];
    size_t total = 0;
    ssize_t got;
    while (total < sizeof text && (got = read(0, text + total, sizeof text - total)) > 0)
        total += (size_t)got;
    printf("stdin bytes=%zu\n", total);
    printf("stdin text=%.*s\n", (int)total, text);
    return total;
}

static unsigned char page_pattern(size_t page)
{
    return (unsigned char)(page * 7 + 1);
}

static bool report_heap(void)
{
    unsigned char *heap = malloc(HEAP_BYTES);
    size_t pages = HEAP_BYTES / PAGE_SIZE;
    size_t wrong = 0;
    if (heap == NULL) {
        printf("malloc 32 MiB: failed\n");
        return false;
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
    return wrong == 0;
}

static long long ns_of(struct timespec t)
{
    return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static bool report_monotonic(void)
{
    struct timespec start, now;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (long spin = 0; spin < CLOCK_SPINS; spin++) {
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (ns_of(now) < ns_of(start)) {
            printf("monotonic: went backwards\n");
            return false;
        }
        if (ns_of(now) > ns_of(start)) {
            printf("monotonic: advances\n");
            return true;
        }
    }
    printf("monotonic: stuck\n");
    return false;
}

static bool report_realtime(void)
{
    const char *host = getenv("PROBE_HOST_TIME");
    struct timespec now;
    if (host == NULL) {
        printf("realtime: no PROBE_HOST_TIME to compare with\n");
        return false;
    }
    clock_gettime(CLOCK_REALTIME, &now);
    long long off = (long long)now.tv_sec - atoll(host);
    bool near = off >= -WALL_CLOCK_SLACK_S && off <= WALL_CLOCK_SLACK_S;
    if (near)
        printf("realtime: within a minute of the host\n");
    else
        printf("realtime: %lld s off the host\n", off);
    return near;
}

/* Whether the strings are expected's, in order, and no more; says which
 * differ on stderr. */
static bool same_strings(const char *what, char *const *seen, size_t count,
                         const char *const *expected, size_t expected_count)
{
    bool same = count == expected_count;
    if (!same)
        fprintf(stderr, "check: %s: %zu given, %zu expected\n", what, count, expected_count);
    for (size_t i = 0; i < count && i < expected_count; i++) {
        if (strcmp(seen[i], expected[i]) != 0) {
            fprintf(stderr, "check: %s[%zu] is \"%s\", not \"%s\"\n", what, i, seen[i],
                    expected[i]);
            same = false;
        }
    }
    return same;
}

static bool check_environment(void)
{
    static const char *const expected[] = {"GREETING=hello", "SPACED=a b"};
    char *seen[COUNT_OF(expected) + 1];
    size_t count = 0, other = 0;
    for (char **entry = environ; *entry != NULL; entry++) {
        if (strncmp(*entry, "PROBE_HOST_TIME=", strlen("PROBE_HOST_TIME=")) == 0)
            continue;
        if (count < COUNT_OF(seen))
            seen[count++] = *entry;
        else
            other++;
    }
    return same_strings("environ", seen, count + other, expected, COUNT_OF(expected));
}

/* Each check prints its finding; a wrong one also says so on stderr. */
static int check(int argc, char **argv)
{
    static const char *const expected_args[] = {CHECK_ARG, "one", "two words", ""};
    bool ok =
        same_strings("argv", argv + 1, (size_t)argc - 1, expected_args, COUNT_OF(expected_args));
    ok &= check_environment();
    if (report_stdin() != 0) {
        fprintf(stderr, "check: stdin is not empty\n");
        ok = false;
    }
    struct {
        const char *name;
        bool (*check)(void);
    } const checks[] = {
        {"malloc of 32 MiB, every page written and read back", report_heap},
        {"CLOCK_MONOTONIC advances", report_monotonic},
        {"CLOCK_REALTIME is within a minute of the host's", report_realtime},
    };
    for (size_t i = 0; i < COUNT_OF(checks); i++) {
        if (!checks[i].check()) {
            fprintf(stderr, "check failed: %s\n", checks[i].name);
            ok = false;
        }
    }
    return ok ? EXIT_SUCCESS : CHECK_FAILED;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], CHECK_ARG) == 0)
        return check(argc, argv);
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
