/* Allocates 64 MiB and writes every page: memory set-up cost should follow
 * what a guest touches, not its --mem. */
#include <stdlib.h>

#define SIZE (64 << 20)
#define PAGE 4096

int main(void)
{
    volatile char *memory = malloc(SIZE);
    if (memory == NULL)
        return 1;
    for (size_t at = 0; at < SIZE; at += PAGE)
        memory[at] = 1;
    return 0;
}
