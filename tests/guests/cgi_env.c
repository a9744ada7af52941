/* A CGI function that answers with its whole environment, one NAME=VALUE
 * per line, and its argv[0]. */
#include <stdio.h>

extern char **environ;

int main(int argc, char **argv)
{
    (void)argc;
    printf("Content-Type: text/plain\n\n");
    printf("argv0=%s\n", argv[0]);
    for (char **var = environ; *var != NULL; var++)
        printf("%s\n", *var);
    return 0;
}
