/*
 * Reads the embedded files' pages in place, as the image carries them
 * (runtime/kiln.ld's .kiln_files), and prints their size and FNV-1a hash.
 * As a CGI function (kiln serve), it then scribbles over them: the next
 * request must see them as the image holds them again.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern unsigned char __kiln_files_start[], __kiln_files_end[];

#define FNV_OFFSET 0xcbf29ce484222325ull
#define FNV_PRIME  0x100000001b3ull

int main(void)
{
    size_t size = (size_t)(__kiln_files_end - __kiln_files_start);
    uint64_t hash = FNV_OFFSET;
    for (size_t i = 0; i < size; i++)
        hash = (hash ^ __kiln_files_start[i]) * FNV_PRIME;
    bool serving = getenv("REQUEST_METHOD") != NULL;
    if (serving)
        printf("Content-Type: text/plain\n\n");
    printf("%zu bytes, fnv1a %016llx\n", size, (unsigned long long)hash);
    if (serving)
        memset(__kiln_files_start, 0x5a, size);
    return 0;
}
