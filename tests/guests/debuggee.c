/*
 * A program for gdb to stop in (tests/e2e/gdb.bats): a function with a
 * local and arguments, a global, a loop.  "spin" spins forever, for
 * Ctrl-C.  Exits 0 when counter ends at 10, 3 when gdb changed it.
 */
#include <stdio.h>
#include <string.h>

int counter = 7;
static volatile unsigned long spins;

static int add(int a, int b)
{
    int sum = a + b;
    return sum;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "spin") == 0)
        for (;;)
            spins++;
    int total = 0;
    for (int i = 0; i < 3; i++)
        total = add(total, i);
    counter += total;
    printf("counter=%d\n", counter);
    return counter == 10 ? 0 : 3;
}
