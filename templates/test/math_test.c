/*
 * A test is an ordinary C program that kiln test boots in its own VM: it
 * exits 0 to pass, 77 to skip, anything else to fail.  This one checks a
 * small function written beside it.  kiln test builds each test from its
 * one .c file, so a test of your own code #includes that code's .c file.
 */
#include <stdio.h>
#include <stdlib.h>

/* The code under test: the greatest common divisor. */
static unsigned gcd(unsigned a, unsigned b)
{
    while (b != 0) {
        unsigned rest = a % b;
        a = b;
        b = rest;
    }
    return a;
}

/* CHECK(condition): prints the check; a false one is named on stderr and
 * fails the test. */
#define CHECK(condition) check((condition), #condition, __FILE__, __LINE__)

static void check(int passed, const char *what, const char *file, int line)
{
    printf("check %s\n", what);
    if (!passed) {
        fprintf(stderr, "%s:%d: check failed: %s\n", file, line, what);
        exit(1);
    }
}

int main(void)
{
    CHECK(gcd(12, 18) == 6);
    CHECK(gcd(17, 5) == 1);
    CHECK(gcd(0, 9) == 9);
    CHECK(gcd(9, 0) == 9);
    return 0;
}
