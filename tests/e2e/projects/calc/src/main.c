/* calc: the test project's program.  It prints a sum, a product, a sum
 * that wraps (defined only under -fwrapv) and who configured the build. */
#include <limits.h>
#include <stdio.h>

#ifdef HAVE_CONFIG_H
#include "config.h"
#else
#define CONFIGURED_BY "nobody"
#endif

#include "ops.h"

int main(void)
{
    printf("2 + 3 = %d\n", ops_add(2, 3));
    printf("6 * 7 = %d\n", ops_mul(6, 7));
    printf("INT_MAX + 1 = %d\n", ops_add(INT_MAX, 1));
    printf("configured by %s\n", CONFIGURED_BY);
    return 0;
}
