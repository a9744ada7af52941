/* An ordinary Linux program, built natively (gcc -static, musl-gcc
 * -static, gcc -static-pie, gcc) and run both on the host and under
 * kiln run, which must print the same lines and exit with the same
 * status: its arguments, a file read whole, the environment, heap
 * blocks, a fixed time formatted, then exit status 3. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int compare_words(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The file's size, lines and words, and the words sorted. */
static int read_file(const char *path)
{
    FILE *file = fopen(path, "r");
    if (file == NULL) {
        perror(path);
        return -1;
    }
    size_t size = 0, capacity = 64;
    char *text = malloc(capacity);
    int c;
    while (text != NULL && (c = fgetc(file)) != EOF) {
        if (size + 1 == capacity)
            text = realloc(text, capacity *= 2);
        if (text != NULL)
            text[size++] = (char)c;
    }
    fclose(file);
    if (text == NULL)
        return -1;
    text[size] = '\0';
    size_t lines = 0, count = 0;
    char *words[256];
    for (size_t i = 0; i < size; i++)
        lines += text[i] == '\n';
    for (char *word = strtok(text, " \n"); word != NULL && count < 256; word = strtok(NULL, " \n"))
        words[count++] = word;
    qsort(words, count, sizeof *words, compare_words);
    printf("%s: %zu bytes, %zu lines, %zu words:", path, size, lines, count);
    for (size_t i = 0; i < count; i++)
        printf(" %s", words[i]);
    printf("\n");
    free(text);
    return 0;
}

/* Blocks of many sizes, filled, summed and freed. */
static void heap(void)
{
    unsigned long sum = 0;
    unsigned char *blocks[64];
    for (int i = 0; i < 64; i++) {
        size_t size = (size_t)1 << (i % 21);
        blocks[i] = malloc(size);
        memset(blocks[i], i, size);
        sum += blocks[i][size - 1] + blocks[i][0];
    }
    for (int i = 0; i < 64; i++)
        free(blocks[i]);
    printf("heap: 64 blocks up to 1 MiB, checksum %lu\n", sum);
}

int main(int argc, char **argv)
{
    for (int i = 0; i < argc; i++)
        printf("argv[%d] = %s\n", i, argv[i]);
    if (argc > 1 && read_file(argv[1]) != 0)
        return 1;
    const char *greeting = getenv("GREETING");
    printf("GREETING = %s, NOT_SET = %s\n", greeting ? greeting : "(unset)",
           getenv("NOT_SET") ? "set" : "(unset)");
    heap();
    time_t when = 1234567890;
    struct tm tm;
    char text[64];
    gmtime_r(&when, &tm);
    strftime(text, sizeof text, "%A %d %B %Y %H:%M:%S UTC, day %j", &tm);
    printf("%lld is %s\n", (long long)when, text);
    printf("%.6f %e %g\n", 1.0 / 3, 6.02214076e23, 0.1 + 0.2);
    return 3;
}
