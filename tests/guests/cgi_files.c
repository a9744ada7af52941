/* Files under kiln serve: a file made before main (in the snapshot) is
 * there for every request; a file a request makes is gone by the next. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

__attribute__((constructor)) static void before_main(void)
{
    FILE *f = fopen("/tmp/made-before-main", "w");
    if (f != NULL) {
        fputs("from the snapshot", f);
        fclose(f);
    }
}

static void say_file(const char *path)
{
    char text[64] = "";
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        printf("%s: none\n", path);
        return;
    }
    fgets(text, sizeof text, f);
    fclose(f);
    printf("%s: %s\n", path, text);
}

int main(void)
{
    const char *query = getenv("QUERY_STRING");
    printf("Content-Type: text/plain\n\n");
    say_file("/tmp/made-before-main");
    say_file("/tmp/made-by-a-request");
    FILE *f = fopen("/tmp/made-by-a-request", "w");
    fprintf(f, "%s", query ? query : "");
    fclose(f);
    return 0;
}
