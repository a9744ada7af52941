/* Fails with exit 3, after a line on stdout and one on stderr. */
#include <stdio.h>

int main(void)
{
    puts("fail: on stdout");
    fprintf(stderr, "fail: on stderr\n");
    return 3;
}
