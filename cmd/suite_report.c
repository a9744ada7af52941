#include "suite_report.h"

#include <ctype.h>
#include <string.h>

#include "common/clock.h"

#define DURATION_SIZE 32

static const char *const verdict_words[] = {
    [TEST_PASS] = "PASS",     [TEST_FAIL] = "FAIL",   [TEST_SKIP] = "SKIP",
    [TEST_CACHED] = "CACHED", [TEST_FLAKY] = "FLAKY",
};

static bool failed(const struct test_case *test)
{
    return test->verdict == TEST_FAIL || test->verdict == TEST_FLAKY;
}

static void format_duration(unsigned long long ns, char *text, size_t text_size)
{
    if (ns < (unsigned long long)NS_PER_S)
        snprintf(text, text_size, "%.1f ms", (double)ns / NS_PER_MS);
    else
        snprintf(text, text_size, "%.2f s", (double)ns / NS_PER_S);
}

void suite_report_start(struct suite_report *report, size_t test_count)
{
    if (report->tap)
        fprintf(report->out, "TAP version 13\n1..%zu\n", test_count);
}

/* ------------------------------------------------------- lines for people */

/* A test's output, each line indented under its stream's name; control
 * characters become '?', so that a test cannot forge or hide report
 * lines. */
static void print_stream(FILE *out, const char *name, const struct job_output *output)
{
    if (output->size == 0)
        return;
    fprintf(out, "    %s:\n", name);
    if (output->cut > 0)
        fprintf(out, "      (%zu bytes before these not shown)\n", output->cut);
    bool line_start = true;
    for (size_t i = 0; i < output->size; i++) {
        unsigned char c = (unsigned char)output->bytes[i];
        if (line_start)
            fputs("      ", out);
        line_start = c == '\n';
        fputc(c == '\n' || c == '\t' || !iscntrl(c) ? c : '?', out);
    }
    if (!line_start)
        fputc('\n', out);
}

static void print_line(struct suite_report *report, const struct test_case *test)
{
    char duration[DURATION_SIZE];
    bool cached = test->verdict == TEST_CACHED;
    format_duration(cached ? test->cached_ns : test->ns, duration, sizeof duration);
    fprintf(report->out, "%-6s %s (%s%s)", verdict_words[test->verdict], test->name, duration,
            cached ? " when it passed" : "");
    if (failed(test))
        fprintf(report->out, ": %s", test->reason);
    fputc('\n', report->out);
    if (failed(test) || report->show_all_output) {
        print_stream(report->out, "stdout", &test->out);
        print_stream(report->out, "stderr", &test->err);
    }
}

/* ---------------------------------------------------------------- TAP 13 */

/* A YAML double-quoted string: what is not printable ASCII is escaped, so
 * the block stays valid whatever the test wrote. */
static void print_yaml_string(FILE *out, const char *bytes, size_t size)
{
    fputc('"', out);
    for (size_t i = 0; i < size; i++) {
        unsigned char c = (unsigned char)bytes[i];
        if (c == '"' || c == '\\')
            fprintf(out, "\\%c", c);
        else if (c == '\n')
            fputs("\\n", out);
        else if (c < ' ' || c >= 0x7f)
            fprintf(out, "\\x%02x", c);
        else
            fputc(c, out);
    }
    fputc('"', out);
}

static void print_yaml_output(FILE *out, const char *name, const struct job_output *output)
{
    if (output->size == 0)
        return;
    fprintf(out, "  %s: ", name);
    print_yaml_string(out, output->bytes, output->size);
    fputc('\n', out);
}

/* '#' starts a directive in a TAP description; a name's own is escaped. */
static void print_tap_name(FILE *out, const char *name)
{
    for (; *name != '\0'; name++) {
        if (*name == '#' || *name == '\\')
            fputc('\\', out);
        fputc(iscntrl((unsigned char)*name) ? '?' : *name, out);
    }
}

static void print_tap(struct suite_report *report, const struct test_case *test)
{
    FILE *out = report->out;
    fprintf(out, "%s %zu - ", failed(test) ? "not ok" : "ok", report->number);
    print_tap_name(out, test->name);
    if (test->verdict == TEST_SKIP)
        fprintf(out, " # SKIP %s", test->reason);
    else if (test->verdict == TEST_CACHED)
        fputs(" (cached)", out);
    fputc('\n', out);
    if (!failed(test) && !report->show_all_output)
        return;
    fprintf(out, "  ---\n  verdict: %s\n", verdict_words[test->verdict]);
    if (failed(test)) {
        fputs("  message: ", out);
        print_yaml_string(out, test->reason, strlen(test->reason));
        fputc('\n', out);
    }
    fprintf(out, "  duration_ms: %.3f\n", (double)test->ns / NS_PER_MS);
    print_yaml_output(out, "stdout", &test->out);
    print_yaml_output(out, "stderr", &test->err);
    fputs("  ...\n", out);
}

void suite_report_test(const struct test_case *test, void *context)
{
    struct suite_report *report = context;
    report->number++;
    report->passed += test->verdict == TEST_PASS || test->verdict == TEST_CACHED;
    report->failed += failed(test);
    report->skipped += test->verdict == TEST_SKIP;
    if (report->tap)
        print_tap(report, test);
    else
        print_line(report, test);
    fflush(report->out);
}

void suite_report_end(struct suite_report *report)
{
    fprintf(report->out, "%s%zu passed, %zu failed, %zu skipped\n", report->tap ? "# " : "",
            report->passed, report->failed, report->skipped);
}
