/* Counts its calls in a global: with a pristine VM per request every
 * answer is calls=1.  Also keeps the last query on the heap and the
 * unread rest of stdin, and says if an earlier request left either. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int calls;
static char *last_query;

int main(void)
{
    const char *query = getenv("QUERY_STRING");
    calls++;
    printf("Content-Type: text/plain\n\ncalls=%d\n", calls);
    if (last_query != NULL)
        printf("leftover query=%s\n", last_query);
    last_query = strdup(query ? query : "");
    printf("query=%s\n", last_query);
    int first = getchar();
    if (first != EOF)
        printf("first body byte=%c\n", first);
    return 0;
}
