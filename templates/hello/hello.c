/* The smallest kiln app: an ordinary hosted C program. */
#include <stdio.h>

int main(int argc, char **argv)
{
    printf("Hello from kiln!\n");
    for (int i = 0; i < argc; i++)
        printf("argv[%d] = %s\n", i, argv[i]);
    return 0;
}
