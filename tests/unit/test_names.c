#include <criterion/criterion.h>
#include <stdlib.h>

#include "cmd/names.h"

static void assert_name(char *name, const char *expected)
{
    cr_assert_not_null(name);
    cr_assert_str_eq(name, expected);
    free(name);
}

Test(names, image_is_named_after_the_source_in_the_current_directory)
{
    assert_name(names_image_for("src/app.c"), "app.kiln");
    assert_name(names_image_for("app.c"), "app.kiln");
}

Test(names, program_is_the_image_name_without_kiln)
{
    assert_name(names_program("out/app.kiln"), "app");
}

Test(names, program_is_the_source_name_without_c)
{
    assert_name(names_program("/src/hello.c"), "hello");
}

Test(names, program_keeps_other_suffixes)
{
    assert_name(names_program("app.img"), "app.img");
}

Test(names, a_bare_suffix_is_kept_whole)
{
    assert_name(names_program(".kiln"), ".kiln");
}
