/* Reads through a null pointer: the guest must die of a page fault at
 * address 0, reported by the monitor, and kiln run must exit 126. */
#include <stddef.h>

int main(void)
{
    /* volatile: the compiler may not see that the pointer is null. */
    int *volatile pointer = NULL;
    return *pointer;
}
