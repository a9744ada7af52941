/* Passes when the embedded file /fixture/expected.txt says "expected". */
#include <stdio.h>
#include <string.h>

int main(void)
{
    char line[64] = "";
    FILE *f = fopen("/fixture/expected.txt", "r");
    if (f == NULL) {
        perror("fixture: /fixture/expected.txt");
        return 1;
    }
    if (fgets(line, sizeof line, f) == NULL)
        line[0] = '\0';
    fclose(f);
    printf("fixture: %s", line);
    return strcmp(line, "expected\n") == 0 ? 0 : 1;
}
