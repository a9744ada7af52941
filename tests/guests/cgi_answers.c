/* A CGI function whose QUERY_STRING picks how it answers: the ways a
 * function can succeed with a custom status and headers, and the ways it
 * can fail. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void created(void)
{
    printf("Status: 201 Created\nContent-Type: application/json\nX-Kiln-Test: yes\n"
           "Set-Cookie: a=1\nSet-Cookie: b=2\n\n{\"made\":true}\n");
}

static void redirect(void)
{
    printf("Location: https://example.test/elsewhere\n\n");
}

static void crash(void)
{
    int *volatile pointer = NULL;
    printf("%d\n", *pointer);
}

static void spin(void)
{
    volatile unsigned long turns = 0;
    for (;;)
        turns++;
}

static void malformed(void)
{
    printf("this is not a CGI answer");
}

/* Long enough for a stop signal to arrive while it runs. */
static void slow(void)
{
    usleep(700 * 1000);
    printf("Content-Type: text/plain\n\nslept\n");
}

/* More than the runtime gathers before it must write some out. */
static void big(void)
{
    printf("Content-Type: text/plain\n\n");
    for (int line = 0; line < 20000; line++)
        printf("%09d\n", line);
}

/* The body lands on redirect()'s first bytes: written by the monitor, as
 * read() does, so no page protection stops it. */
static void overwrite(void)
{
    ssize_t got = read(0, (void *)redirect, 16);
    printf("Content-Type: text/plain\n\noverwrote %zd bytes\n", got);
}

static void logs(void)
{
    fprintf(stderr, "first line to the log\nsecond line\n");
    printf("Content-Type: text/plain\n\nlogged\n");
}

int main(void)
{
    static const struct {
        const char *query;
        void (*answer)(void);
    } answers[] = {
        {"created", created},     {"redirect", redirect},   {"crash", crash},
        {"spin", spin},           {"malformed", malformed}, {"logs", logs},
        {"abort", abort},         {"slow", slow},           {"big", big},
        {"overwrite", overwrite},
    };
    const char *query = getenv("QUERY_STRING");
    for (size_t i = 0; query && i < sizeof answers / sizeof answers[0]; i++)
        if (strcmp(query, answers[i].query) == 0)
            answers[i].answer();
    return 0;
}
