/* Answers with its VERSION, a word fixed at build time (-DVERSION=new),
 * and the route it was reached at (SCRIPT_NAME): a test tells by the
 * answer which function, and which build of it, served a request. */
#include <stdio.h>
#include <stdlib.h>

#ifndef VERSION
#define VERSION old
#endif
#define WORD(x)      #x
#define AS_STRING(x) WORD(x)

int main(void)
{
    const char *route = getenv("SCRIPT_NAME");
    printf("Content-Type: text/plain\n\n%s %s\n", AS_STRING(VERSION), route ? route : "");
    return 0;
}
