#include <criterion/criterion.h>

#include <kiln/abi.h>

#include "cmd/option_values.h"

#define MIB (1ull << 20)
#define GIB (1ull << 30)

static uint64_t size_of(const char *text)
{
    uint64_t bytes = 0;
    cr_assert_eq(parse_size(text, &bytes), 0, "\"%s\" should parse", text);
    return bytes;
}

static void assert_not_size(const char *text)
{
    uint64_t bytes = 7;
    cr_assert_eq(parse_size(text, &bytes), -1, "\"%s\" should be refused", text);
    cr_assert_eq(bytes, 7, "a refused size leaves the result alone");
}

Test(size, plain_number_is_bytes)
{
    cr_assert_eq(size_of("4096"), 4096);
}

Test(size, zero_is_a_size)
{
    cr_assert_eq(size_of("0"), 0);
}

Test(size, suffixes_are_binary)
{
    cr_assert_eq(size_of("3K"), 3 * 1024);
    cr_assert_eq(size_of("64M"), 64 * MIB);
    cr_assert_eq(size_of("2G"), 2 * GIB);
}

Test(size, suffix_may_end_in_b_or_ib)
{
    cr_assert_eq(size_of("64MB"), 64 * MIB);
    cr_assert_eq(size_of("64MiB"), 64 * MIB);
    cr_assert_eq(size_of("512B"), 512);
}

Test(size, suffix_case_does_not_matter)
{
    cr_assert_eq(size_of("64m"), 64 * MIB);
    cr_assert_eq(size_of("1gib"), GIB);
}

Test(size, largest_64_bit_number_parses)
{
    cr_assert_eq(size_of("18446744073709551615"), UINT64_MAX);
}

Test(size, number_past_64_bits_is_refused)
{
    assert_not_size("18446744073709551616");
}

Test(size, suffix_that_overflows_is_refused)
{
    assert_not_size("17179869184G");
}

Test(size, junk_is_refused)
{
    assert_not_size("");
    assert_not_size("12Q");
    assert_not_size("M");
    assert_not_size("-1");
    assert_not_size("+1");
    assert_not_size(" 64M");
    assert_not_size("64M ");
    assert_not_size("1.5G");
    assert_not_size("64iB");
    assert_not_size("0x10");
}

Test(mem_size, size_in_range_is_kept)
{
    char error[128];
    uint64_t bytes = 0;
    cr_assert_eq(parse_mem_size("64M", &bytes, error, sizeof error), 0);
    cr_assert_eq(bytes, 64 * MIB);
}

Test(mem_size, bounds_are_inclusive)
{
    char error[128];
    uint64_t bytes = 0;
    cr_assert_eq(parse_mem_size("16M", &bytes, error, sizeof error), 0);
    cr_assert_eq(bytes, KILN_MEM_MIN);
    cr_assert_eq(parse_mem_size("4G", &bytes, error, sizeof error), 0);
    cr_assert_eq(bytes, KILN_MEM_MAX);
}

Test(mem_size, rounds_up_to_2_mib)
{
    char error[128];
    uint64_t bytes = 0;
    cr_assert_eq(parse_mem_size("17M", &bytes, error, sizeof error), 0);
    cr_assert_eq(bytes, 18 * MIB);
}

Test(mem_size, below_minimum_names_the_range)
{
    char error[128];
    uint64_t bytes = 0;
    cr_assert_eq(parse_mem_size("8M", &bytes, error, sizeof error), -1);
    cr_assert_str_eq(error, "\"8M\" is out of range: guest memory is 16M to 4G");
}

Test(mem_size, above_maximum_is_refused)
{
    char error[128];
    uint64_t bytes = 0;
    cr_assert_eq(parse_mem_size("4097M", &bytes, error, sizeof error), -1);
}

Test(mem_size, junk_says_what_a_size_looks_like)
{
    char error[128];
    uint64_t bytes = 0;
    cr_assert_eq(parse_mem_size("12Q", &bytes, error, sizeof error), -1);
    cr_assert_str_eq(error, "\"12Q\" is not a size (e.g. 64M, 1G)");
}

static uint64_t timeout_of(const char *text)
{
    char error[128];
    uint64_t ms = 0;
    cr_assert_eq(parse_timeout(text, &ms, error, sizeof error), 0, "\"%s\" should parse", text);
    return ms;
}

static void assert_not_timeout(const char *text, const char *why)
{
    char error[128];
    uint64_t ms = 0;
    cr_assert_eq(parse_timeout(text, &ms, error, sizeof error), -1, "\"%s\" refused", text);
    cr_assert_str_eq(error, why);
}

Test(timeout, whole_seconds_become_milliseconds)
{
    cr_assert_eq(timeout_of("10"), 10000);
}

Test(timeout, zero_means_none)
{
    cr_assert_eq(timeout_of("0"), 0);
}

Test(timeout, decimal_fraction_is_kept)
{
    cr_assert_eq(timeout_of("0.5"), 500);
    cr_assert_eq(timeout_of("1.25"), 1250);
    cr_assert_eq(timeout_of(".5"), 500);
}

Test(timeout, fraction_below_a_millisecond_rounds_up)
{
    cr_assert_eq(timeout_of("0.0001"), 1);
    cr_assert_eq(timeout_of("0.0010"), 1);
    cr_assert_eq(timeout_of("1.0001"), 1001);
}

Test(timeout, junk_says_what_seconds_look_like)
{
    const char *why = "\"abc\" is not a number of seconds (e.g. 10, 0.5)";
    assert_not_timeout("abc", why);
}

Test(timeout, incomplete_numbers_are_refused)
{
    assert_not_timeout("", "\"\" is not a number of seconds (e.g. 10, 0.5)");
    assert_not_timeout("1.", "\"1.\" is not a number of seconds (e.g. 10, 0.5)");
    assert_not_timeout(".", "\".\" is not a number of seconds (e.g. 10, 0.5)");
    assert_not_timeout("-1", "\"-1\" is not a number of seconds (e.g. 10, 0.5)");
    assert_not_timeout("5s", "\"5s\" is not a number of seconds (e.g. 10, 0.5)");
}

Test(timeout, overflow_is_refused)
{
    assert_not_timeout("18446744073709552", "\"18446744073709552\" is too large");
    assert_not_timeout("99999999999999999999", "\"99999999999999999999\" is too large");
}

Test(format_size, uses_the_largest_exact_unit)
{
    char text[32];
    format_size(16 * MIB, text, sizeof text);
    cr_assert_str_eq(text, "16M");
    format_size(4 * GIB, text, sizeof text);
    cr_assert_str_eq(text, "4G");
    format_size(3 * 1024, text, sizeof text);
    cr_assert_str_eq(text, "3K");
    format_size(1000, text, sizeof text);
    cr_assert_str_eq(text, "1000");
}
