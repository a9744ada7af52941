#include <stdio.h>
#include <string.h>

#include <kiln/abi.h>
#include <kiln/version.h>

#include "commands.h"
#include "common/report.h"
#include "exit_codes.h"
#include "help.h"

int cmd_version(int argc, char **argv)
{
    if (argc == 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0))
        return help_print("version", stdout);
    if (argc > 1) {
        report("%s: unexpected argument \"%s\"", argv[0], argv[1]);
        return EXIT_USAGE;
    }
    printf("kiln %s (abi %d)\n", KILN_VERSION, KILN_ABI_VERSION);
    return 0;
}
