#include "ops.h"

int ops_mul(int a, int b)
{
    return a * b;
}
