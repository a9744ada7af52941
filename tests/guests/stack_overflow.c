/* Recurses until the stack runs into its guard page. */
#include <limits.h>

static unsigned long descend(unsigned long depth)
{
    volatile char frame[1024];
    frame[0] = (char)depth;
    /* Unreachable in practice; it keeps the compiler from calling this
     * recursion infinite or turning it into a loop. */
    if (depth == ULONG_MAX)
        return 0;
    return descend(depth + 1) + (unsigned long)frame[0];
}

int main(void)
{
    return (int)descend(0);
}
