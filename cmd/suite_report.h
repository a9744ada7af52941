/*
 * What kiln test prints on stdout, a test at a time as verdicts come in:
 * lines a person reads (the default) or TAP version 13 (--tap), and last
 * the totals as the plain line "N passed, N failed, N skipped" that a CI
 * log search finds.  JUnit XML is written apart (suite_junit.h).
 */
#ifndef KILN_SUITE_REPORT_H
#define KILN_SUITE_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "suite.h"

struct suite_report {
    FILE *out;
    bool tap;
    bool show_all_output; /* every test's output, not only a failure's */
    size_t number;        /* of the last test printed, from 1 */
    size_t passed, failed, skipped;
};

/* TAP's header and plan; nothing for lines. */
void suite_report_start(struct suite_report *report, size_t test_count);

/* suite_run()'s done: one test's line (and output), and the count. */
void suite_report_test(const struct test_case *test, void *report);

/* The totals line. */
void suite_report_end(struct suite_report *report);

#endif
