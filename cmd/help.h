/* kiln's help texts: one per command, printed by --help and kiln help. */
#ifndef KILN_HELP_H
#define KILN_HELP_H

#include <stdio.h>

/* Prints the help of topic ("kiln" or a command's name) to out; returns 0,
 * or -1 when there is no such topic. */
int help_print(const char *topic, FILE *out);

#endif
