#include "ops.h"

int ops_add(int a, int b)
{
    return a + b;
}
