/*
 * Written by hand rather than through libxml2: kiln links statically, and
 * Debian's static libxml2 brings ICU (34 MB, the Makefile says); what is
 * needed is escaping, which is short.
 */
#include "suite_junit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "common/atomic_file.h"
#include "common/clock.h"
#include "common/report.h"

#define JUNIT_MODE 0666
#define HOST_SIZE  256

/* The length of the well-formed UTF-8 sequence at bytes (at most size
 * long) that XML 1.0 allows, or 0 when there is none. */
static size_t xml_char_length(const unsigned char *bytes, size_t size)
{
    unsigned char lead = bytes[0];
    if (lead < 0x80)
        return lead >= ' ' || lead == '\t' || lead == '\n' || lead == '\r';
    size_t length = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc2 ? 2 : 0;
    if (length == 0 || lead > 0xf4 || length > size)
        return 0;
    uint32_t code = lead & (0x7f >> length);
    for (size_t i = 1; i < length; i++) {
        if ((bytes[i] & 0xc0) != 0x80)
            return 0;
        code = code << 6 | (bytes[i] & 0x3f);
    }
    static const uint32_t least[] = {0, 0, 0x80, 0x800, 0x10000};
    bool allowed = code >= least[length] && code <= 0x10ffff &&
                   !(code >= 0xd800 && code <= 0xdfff) && code != 0xfffe && code != 0xffff;
    return allowed ? length : 0;
}

/* Text as XML character data or an attribute value: markup escaped, and
 * every byte XML cannot carry (control characters, broken UTF-8) a '?'. */
static void put_escaped(FILE *xml, const char *text, size_t size)
{
    const unsigned char *bytes = (const unsigned char *)text;
    for (size_t i = 0; i < size;) {
        size_t length = xml_char_length(bytes + i, size - i);
        if (length == 0) {
            fputc('?', xml);
            i++;
            continue;
        }
        switch (bytes[i]) {
        case '&':
            fputs("&amp;", xml);
            break;
        case '<':
            fputs("&lt;", xml);
            break;
        case '>':
            fputs("&gt;", xml);
            break;
        case '"':
            fputs("&quot;", xml);
            break;
        case '\r':
            fputs("&#13;", xml);
            break;
        default:
            fwrite(bytes + i, 1, length, xml);
        }
        i += length;
    }
}

static void put_text(FILE *xml, const char *text)
{
    put_escaped(xml, text, strlen(text));
}

static void put_output(FILE *xml, const struct job_output *output)
{
    if (output->cut > 0)
        fprintf(xml, "(%zu bytes before these not shown)\n", output->cut);
    put_escaped(xml, output->bytes, output->size);
}

static void put_stream(FILE *xml, const char *element, const struct job_output *output)
{
    if (output->size == 0)
        return;
    fprintf(xml, "      <%s>", element);
    put_output(xml, output);
    fprintf(xml, "</%s>\n", element);
}

/* "tests/math/add.c" -> "tests.math": CI tools group test cases by class. */
static void put_classname(FILE *xml, const char *name)
{
    const char *slash = strrchr(name, '/');
    if (slash == NULL) {
        fputs("kiln", xml);
        return;
    }
    for (const char *c = name; c < slash; c++) {
        if (*c == '/')
            fputc('.', xml);
        else
            put_escaped(xml, c, 1);
    }
}

static bool failed(const struct test_case *test)
{
    return test->verdict == TEST_FAIL || test->verdict == TEST_FLAKY;
}

static void put_outcome(FILE *xml, const struct test_case *test)
{
    if (test->verdict == TEST_SKIP) {
        fputs("      <skipped message=\"", xml);
        put_text(xml, test->reason);
        fputs("\"/>\n", xml);
        return;
    }
    if (!failed(test))
        return;
    const char *element = test->error ? "error" : "failure";
    fprintf(xml, "      <%s message=\"", element);
    put_text(xml, test->reason);
    fprintf(xml, "\" type=\"%s\">",
            test->verdict == TEST_FLAKY ? "flaky"
            : test->error               ? "run"
                                        : "exit status");
    if (test->out.size > 0) {
        fputs("stdout:\n", xml);
        put_output(xml, &test->out);
    }
    if (test->err.size > 0) {
        fputs("\nstderr:\n", xml);
        put_output(xml, &test->err);
    }
    fprintf(xml, "</%s>\n", element);
}

static void put_case(FILE *xml, const struct test_case *test)
{
    fputs("    <testcase name=\"", xml);
    put_text(xml, test->name);
    fputs("\" classname=\"", xml);
    put_classname(xml, test->name);
    fprintf(xml, "\" time=\"%.6f\">\n", (double)test->ns / NS_PER_S);
    put_outcome(xml, test);
    put_stream(xml, "system-out", &test->out);
    put_stream(xml, "system-err", &test->err);
    fputs("    </testcase>\n", xml);
}

struct totals {
    size_t failures, errors, skipped;
};

static struct totals count(const struct test_suite *suite)
{
    struct totals totals = {0};
    for (size_t i = 0; i < suite->count; i++) {
        const struct test_case *test = &suite->cases[i];
        totals.failures += failed(test) && !test->error;
        totals.errors += failed(test) && test->error;
        totals.skipped += test->verdict == TEST_SKIP;
    }
    return totals;
}

static void put_suite(FILE *xml, const struct test_suite *suite, time_t started, uint64_t wall_ns)
{
    struct totals totals = count(suite);
    char counts[160], stamp[32], host[HOST_SIZE] = "localhost";
    snprintf(counts, sizeof counts,
             "tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\" time=\"%.6f\"",
             suite->count, totals.failures, totals.errors, totals.skipped,
             (double)wall_ns / NS_PER_S);
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", gmtime(&started));
    gethostname(host, sizeof host - 1);
    fprintf(xml, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    fprintf(xml, "<testsuites name=\"kiln test\" %s>\n", counts);
    fprintf(xml, "  <testsuite name=\"kiln test\" %s timestamp=\"%s\" hostname=\"", counts, stamp);
    put_text(xml, host);
    fputs("\">\n", xml);
    for (size_t i = 0; i < suite->count; i++)
        put_case(xml, &suite->cases[i]);
    fputs("  </testsuite>\n</testsuites>\n", xml);
}

int suite_junit_write(const char *path, const struct test_suite *suite, time_t started,
                      uint64_t wall_ns)
{
    char *text = NULL;
    size_t size = 0;
    FILE *xml = open_memstream(&text, &size);
    if (xml == NULL)
        return report("test: --junit %s: out of memory", path);
    put_suite(xml, suite, started, wall_ns);
    int rc = fclose(xml) == 0 ? 0 : report("test: --junit %s: out of memory", path);
    if (rc == 0)
        rc = atomic_file_write(path, JUNIT_MODE, &(struct iovec){text, size}, 1);
    free(text);
    return rc;
}
