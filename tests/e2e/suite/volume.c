/* Passes when the volume at /data holds input.txt saying "good". */
#include <stdio.h>
#include <string.h>

int main(void)
{
    char line[64] = "";
    FILE *f = fopen("/data/input.txt", "r");
    if (f == NULL) {
        perror("volume: /data/input.txt");
        return 1;
    }
    if (fgets(line, sizeof line, f) == NULL)
        line[0] = '\0';
    fclose(f);
    printf("volume: %s", line);
    return strcmp(line, "good\n") == 0 ? 0 : 1;
}
