/* Lists /tmp, then leaves a file there named by the query: with a pristine
 * VM per request, every answer finds /tmp empty. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void)
{
    const char *query = getenv("QUERY_STRING");
    char path[256];
    printf("Content-Type: text/plain\n\n");
    DIR *tmp = opendir("/tmp");
    if (tmp == NULL) {
        printf("opendir /tmp failed\n");
        return 0;
    }
    for (struct dirent *e; (e = readdir(tmp)) != NULL;)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            printf("found %s\n", e->d_name);
    closedir(tmp);
    snprintf(path, sizeof path, "/tmp/%s", query && *query ? query : "unnamed");
    FILE *f = fopen(path, "w");
    printf("%s %s\n", f ? "wrote" : "could not write", path);
    if (f)
        fclose(f);
    return 0;
}
