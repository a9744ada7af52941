/* Passes when its arguments and $SUITE_MODE allow: prints both, and
 * fails when its first argument is "fail". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    const char *mode = getenv("SUITE_MODE");
    for (int i = 0; i < argc; i++)
        printf("argv[%d] = %s\n", i, argv[i]);
    printf("SUITE_MODE = %s\n", mode ? mode : "(unset)");
    return argc > 1 && strcmp(argv[1], "fail") == 0 ? 1 : 0;
}
