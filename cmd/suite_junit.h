/*
 * kiln test --junit FILE: the suite's verdicts as JUnit XML, the format
 * GitLab, GitHub's reporters and Jenkins read (tests/junit.xsd holds the
 * schema it is checked against).  A failed exit status is a <failure>; a
 * crash, a timeout, a deadlock or a test kiln could not build or run is an
 * <error>; each carries the test's output.
 */
#ifndef KILN_SUITE_JUNIT_H
#define KILN_SUITE_JUNIT_H

#include <stdint.h>
#include <time.h>

#include "suite.h"

/* Writes the file whole or not at all.  started is when the suite began;
 * wall_ns how long it took.  Returns 0, or -1 (reported). */
int suite_junit_write(const char *path, const struct test_suite *suite, time_t started,
                      uint64_t wall_ns);

#endif
