#include <criterion/criterion.h>
#include <string.h>

#include "builder/oci_reference.h"

static char why[256];

static struct oci_reference parsed(const char *text)
{
    struct oci_reference ref;
    cr_assert_eq(oci_reference_parse(&ref, text, why, sizeof why), 0, "%s refused: %s", text, why);
    return ref;
}

static void assert_parsed(const char *text, const char *name, const char *tag)
{
    struct oci_reference ref = parsed(text);
    cr_assert_str_eq(ref.name, name, "%s", text);
    cr_assert_str_eq(ref.tag, tag, "%s", text);
}

static void assert_refused(const char *text)
{
    struct oci_reference ref;
    cr_assert_eq(oci_reference_parse(&ref, text, why, sizeof why), -1, "%s was taken", text);
    cr_assert_neq(why[0], '\0');
}

Test(oci_reference, a_bare_name_is_docker_hubs_official_image_tagged_latest)
{
    assert_parsed("hello", "docker.io/library/hello", "latest");
}

Test(oci_reference, a_tag_follows_the_last_colon)
{
    assert_parsed("hello:1.0", "docker.io/library/hello", "1.0");
}

Test(oci_reference, a_name_with_a_path_stays_on_docker_hub_as_it_is)
{
    assert_parsed("team/app:v2", "docker.io/team/app", "v2");
}

Test(oci_reference, a_registry_is_a_first_component_with_a_dot_a_port_or_localhost)
{
    assert_parsed("localhost/hello:1", "localhost/hello", "1");
    assert_parsed("registry.example.com:5000/team/app", "registry.example.com:5000/team/app",
                  "latest");
    assert_parsed("Example.com/app", "Example.com/app", "latest");
}

Test(oci_reference, docker_hubs_names_for_itself_normalise_alike)
{
    assert_parsed("docker.io/hello", "docker.io/library/hello", "latest");
    assert_parsed("index.docker.io/hello:2", "docker.io/library/hello", "2");
}

Test(oci_reference, a_colon_before_no_slash_starts_a_tag_not_a_port)
{
    assert_parsed("hello:5000", "docker.io/library/hello", "5000");
}

Test(oci_reference, components_join_runs_with_dot_one_or_two_underscores_or_dashes)
{
    assert_parsed("team/a.b_c__d---e", "docker.io/team/a.b_c__d---e", "latest");
}

Test(oci_reference, a_tag_may_hold_capitals_and_be_128_characters)
{
    char text[sizeof "a:" + OCI_TAG_MAX];
    memcpy(text, "a:", 2);
    memset(text + 2, 'T', OCI_TAG_MAX);
    text[2 + OCI_TAG_MAX] = '\0';
    cr_assert_eq(strlen(parsed(text).tag), OCI_TAG_MAX);
}

Test(oci_reference, capitals_in_a_repository_are_refused_with_the_component)
{
    assert_refused("Hello");
    cr_assert_str_eq(why, "\"Hello\": component \"Hello\" is not lowercase letters and digits "
                          "joined by \".\", \"_\", \"__\" or \"-\"");
    assert_refused("team/App");
}

Test(oci_reference, a_separator_must_stand_between_letters_or_digits)
{
    assert_refused(".hello");
    assert_refused("hello.");
    assert_refused("a___b");
    assert_refused("a..b");
    assert_refused("a//b");
    assert_refused("a/");
}

Test(oci_reference, an_empty_name_or_tag_is_refused)
{
    assert_refused("");
    assert_refused(":latest");
    assert_refused("hello:");
}

Test(oci_reference, a_tag_starting_with_a_dot_or_dash_or_too_long_is_refused)
{
    assert_refused("hello:.1");
    assert_refused("hello:-1");
    assert_refused("hello:a+b");
    char text[sizeof "a:" + OCI_TAG_MAX + 1];
    memcpy(text, "a:", 2);
    memset(text + 2, 't', OCI_TAG_MAX + 1);
    text[3 + OCI_TAG_MAX] = '\0';
    assert_refused(text);
}

Test(oci_reference, a_digest_is_refused)
{
    assert_refused("hello@sha256:0123");
}

Test(oci_reference, a_bad_registry_is_refused)
{
    assert_refused("-bad.com/app");
    assert_refused("host.com:/app");
    assert_refused("host.com:80x/app");
    assert_refused("a..com/app");
}

Test(oci_reference, a_name_past_255_characters_as_normalised_is_refused)
{
    char text[OCI_NAME_MAX + 1];
    memset(text, 'a', sizeof text - 1);
    text[sizeof text - 1] = '\0';
    assert_refused(text); /* docker.io/library/ makes it longer */
}
