/* A CGI function that answers a POST with its body, byte for byte, and
 * says how many bytes it read in a header. */
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
    size_t size = 0, capacity = 4096;
    char *body = malloc(capacity);
    size_t got;
    while (body != NULL && (got = fread(body + size, 1, capacity - size, stdin)) > 0) {
        size += got;
        if (size == capacity)
            body = realloc(body, capacity *= 2);
    }
    if (body == NULL)
        return 1;
    printf("Content-Type: application/octet-stream\nX-Body-Bytes: %zu\n\n", size);
    fwrite(body, 1, size, stdout);
    return 0;
}
