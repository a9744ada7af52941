/* Fails, printing what XML cannot hold as is: markup characters, control
 * bytes and bytes that are not UTF-8. */
#include <stdio.h>

int main(void)
{
    puts("nasty: <tag attr=\"x\"> & ]]> </testcase>");
    fputs("nasty: control \x01\x02\x1b[31m and \x7f\n", stdout);
    fputs("nasty: not UTF-8 \xff\xfe\xc3\x28 end\n", stderr);
    return 1;
}
