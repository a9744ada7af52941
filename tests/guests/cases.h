/*
 * Guests made of named cases: `guest CASE` runs one, `guest` every case
 * in order, so that each e2e test checks one behaviour and one run checks
 * them together.
 */
#ifndef KILN_TESTS_GUESTS_CASES_H
#define KILN_TESTS_GUESTS_CASES_H

#include <stdio.h>
#include <string.h>

struct guest_case {
    const char *name;
    void (*run)(void);
};

/* Runs the case argv[1] names, or every one without it: how many ran; 0
 * (said on stdout) when no case has that name. */
static inline int run_cases(const struct guest_case *cases, size_t count, int argc, char **argv)
{
    int ran = 0;
    for (size_t c = 0; c < count; c++) {
        if (argc < 2 || strcmp(argv[1], cases[c].name) == 0) {
            cases[c].run();
            ran++;
        }
    }
    if (ran == 0)
        printf("no case %s\n", argv[1]);
    return ran;
}

#endif
