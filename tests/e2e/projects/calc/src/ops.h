/* The library's operations, on int, wrapping as -fwrapv says. */
#ifndef CALC_OPS_H
#define CALC_OPS_H

int ops_add(int a, int b);
int ops_mul(int a, int b);

#endif
