/*
 * A test that reads a fixture: make test embeds the fixtures/ folder
 * read-only at /fixtures in every test (kiln test --files fixtures:/fixtures).
 * Run without it, the test skips (exit 77) rather than fails.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#define EXIT_SKIP 77
#define GREETING  "/fixtures/greeting.txt"

int main(void)
{
    FILE *file = fopen(GREETING, "r");
    if (file == NULL && errno == ENOENT) {
        fprintf(stderr, "skipped: no %s (make test embeds fixtures/)\n", GREETING);
        return EXIT_SKIP;
    }
    if (file == NULL) {
        fprintf(stderr, "%s: %s\n", GREETING, strerror(errno));
        return 1;
    }
    char line[256];
    printf("check %s reads \"hello, kiln\"\n", GREETING);
    if (fgets(line, sizeof line, file) == NULL || strcmp(line, "hello, kiln\n") != 0) {
        fprintf(stderr, "check failed: %s does not read \"hello, kiln\"\n", GREETING);
        return 1;
    }
    fclose(file);
    return 0;
}
