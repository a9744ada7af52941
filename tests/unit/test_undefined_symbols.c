#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "builder/undefined_symbols.h"

static char line[1024];

/* The one line kiln prints after the linker's messages, or "" for none. */
static const char *line_for(const char *messages)
{
    struct undefined_symbols symbols;
    undefined_symbols_find(messages, &symbols);
    if (undefined_symbols_line(&symbols, line, sizeof line) != 0)
        return "";
    return line;
}

Test(undefined_symbols, names_each_symbol_once_in_the_order_met)
{
    const char *messages = "/usr/bin/ld: /tmp/kiln-build-x/0.o: in function `main':\n"
                           "app.c:(.text.startup+0x9): undefined reference to `frob'\n"
                           "/usr/bin/ld: app.c:(.text.startup+0x17): undefined reference to "
                           "`twiddle'\n"
                           "/usr/bin/ld: ./app.c:7: undefined reference to `frob'\n"
                           "collect2: error: ld returned 1 exit status\n";
    cr_assert_str_eq(line_for(messages), "undefined symbols: frob, twiddle");
}

Test(undefined_symbols, hints_at_what_musl_lacks)
{
    const char *messages = "app.c:(.text+0x9): undefined reference to `backtrace'\n"
                           "app.c:(.text+0x19): undefined reference to `frob'\n"
                           "app.c:(.text+0x29): undefined reference to `backtrace_symbols'\n";
    cr_assert_str_eq(line_for(messages),
                     "undefined symbols: backtrace, frob, backtrace_symbols (backtrace, "
                     "backtrace_symbols: glibc's execinfo.h; musl has none)");
}

Test(undefined_symbols, hints_at_glibc_fortify_objects)
{
    const char *messages = "lib.o:(.text+0x9): undefined reference to `__sprintf_chk'\n"
                           "lib.o:(.text+0x19): undefined reference to `error'\n";
    cr_assert_str_eq(line_for(messages),
                     "undefined symbols: __sprintf_chk, error (__sprintf_chk: glibc's "
                     "_FORTIFY_SOURCE, from an object built with glibc's headers: rebuild it "
                     "with musl-gcc; error: glibc's error.h; musl has none)");
}

Test(undefined_symbols, reads_the_quotes_of_other_locales)
{
    const char *messages = "app.c:(.text+0x9): undefined reference to \xe2\x80\x98"
                           "frob\xe2\x80\x99\n"
                           "app.c:(.text+0x19): undefined reference to 'twiddle'\n";
    cr_assert_str_eq(line_for(messages), "undefined symbols: frob, twiddle");
}

Test(undefined_symbols, says_nothing_for_other_failures)
{
    cr_assert_str_eq(line_for("/usr/bin/ld: cannot find -lfoo: No such file or directory\n"), "");
    cr_assert_str_eq(line_for(""), "");
    cr_assert_str_eq(line_for("undefined reference to `"), "");
}

Test(undefined_symbols, lists_a_bounded_number_of_names)
{
    char messages[4096] = "";
    for (int i = 0; i < UNDEFINED_SYMBOLS_MAX + 3; i++) {
        char one[64];
        snprintf(one, sizeof one, "x.o: undefined reference to `f%d'\n", i);
        strcat(messages, one);
    }
    const char *got = line_for(messages);
    cr_assert(strstr(got, "f15 and more") != NULL, "%s", got);
    cr_assert(strstr(got, "f16") == NULL, "%s", got);
}

Test(undefined_symbols, a_short_line_is_cut_not_overrun)
{
    struct undefined_symbols symbols;
    char small[24];
    undefined_symbols_find("x.o: undefined reference to `a_rather_long_name'\n", &symbols);
    cr_assert_eq(undefined_symbols_line(&symbols, small, sizeof small), 0);
    cr_assert_str_eq(small, "undefined symbols: a_ra");
}
