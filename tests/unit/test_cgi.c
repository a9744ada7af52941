#include <criterion/criterion.h>
#include <string.h>

#include "serve/cgi.h"

static const struct cgi_header some_headers[] = {
    {"Host", "example.test:8080"},   {"X-Forwarded-For", "10.0.0.1"},
    {"x-forwarded-for", "10.0.0.2"}, {"Content-Type", "text/plain"},
    {"Proxy", "http://evil.test"},   {"X_Sneaky", "1"},
};

static const struct cgi_request request = {
    .method = "POST",
    .script_name = "/api",
    .path_info = "/users/7",
    .query = "a=1&b=%20",
    .request_uri = "/api/users/7?a=1&b=%20",
    .protocol = "HTTP/1.1",
    .server_name = "example.test",
    .server_port = "8080",
    .remote_addr = "127.0.0.1",
    .remote_port = "40000",
    .content_type = "text/plain",
    .content_length = 5,
    .headers = some_headers,
    .header_count = sizeof some_headers / sizeof some_headers[0],
};

static const char *lookup(char **env, const char *name)
{
    size_t len = strlen(name);
    for (; *env; env++)
        if (strncmp(*env, name, len) == 0 && (*env)[len] == '=')
            return *env + len + 1;
    return NULL;
}

static void assert_var(char **env, const char *name, const char *value)
{
    const char *found = lookup(env, name);
    cr_assert_not_null(found, "%s is not set", name);
    cr_assert_str_eq(found, value, "%s", name);
}

Test(cgi_environment, sets_the_cgi_1_1_variables)
{
    char **env = cgi_environment(&request);
    assert_var(env, "GATEWAY_INTERFACE", "CGI/1.1");
    assert_var(env, "REQUEST_METHOD", "POST");
    assert_var(env, "SCRIPT_NAME", "/api");
    assert_var(env, "PATH_INFO", "/users/7");
    assert_var(env, "QUERY_STRING", "a=1&b=%20");
    assert_var(env, "SERVER_PROTOCOL", "HTTP/1.1");
    assert_var(env, "SERVER_NAME", "example.test");
    assert_var(env, "SERVER_PORT", "8080");
    assert_var(env, "REMOTE_ADDR", "127.0.0.1");
    assert_var(env, "CONTENT_TYPE", "text/plain");
    assert_var(env, "CONTENT_LENGTH", "5");
    cgi_environment_free(env);
}

Test(cgi_environment, turns_headers_into_http_variables)
{
    char **env = cgi_environment(&request);
    assert_var(env, "HTTP_HOST", "example.test:8080");
    cgi_environment_free(env);
}

Test(cgi_environment, joins_repeated_headers)
{
    char **env = cgi_environment(&request);
    assert_var(env, "HTTP_X_FORWARDED_FOR", "10.0.0.1, 10.0.0.2");
    cgi_environment_free(env);
}

Test(cgi_environment, leaves_out_proxy_body_and_oddly_named_headers)
{
    char **env = cgi_environment(&request);
    cr_assert_null(lookup(env, "HTTP_PROXY"));
    cr_assert_null(lookup(env, "HTTP_CONTENT_TYPE"));
    cr_assert_null(lookup(env, "HTTP_X_SNEAKY"));
    cgi_environment_free(env);
}

Test(cgi_environment, sets_no_content_variables_without_a_body)
{
    struct cgi_request get = request;
    get.content_type = NULL;
    get.content_length = 0;
    char **env = cgi_environment(&get);
    cr_assert_null(lookup(env, "CONTENT_TYPE"));
    cr_assert_null(lookup(env, "CONTENT_LENGTH"));
    cgi_environment_free(env);
}

static char error[256];
static struct cgi_response response;

static int parse(const char *text)
{
    static uint8_t buffer[4096];
    size_t len = strlen(text);
    memcpy(buffer, text, len);
    return cgi_parse_response(buffer, len, &response, error, sizeof error);
}

Test(cgi_parse_response, reads_headers_and_body)
{
    cr_assert_eq(parse("Content-Type: text/plain\nX-Id:  7 \n\nhello\n"), 0, "%s", error);
    cr_assert_eq(response.status, 200);
    cr_assert_eq(response.header_count, 2);
    cr_assert_str_eq(response.headers[0].name, "Content-Type");
    cr_assert_str_eq(response.headers[0].value, "text/plain");
    cr_assert_str_eq(response.headers[1].value, "7");
    cr_assert_eq(response.body_size, 6);
    cr_assert_eq(memcmp(response.body, "hello\n", 6), 0);
}

Test(cgi_parse_response, accepts_crlf_lines)
{
    cr_assert_eq(parse("Content-Type: text/html\r\n\r\n<p>"), 0, "%s", error);
    cr_assert_str_eq(response.headers[0].value, "text/html");
    cr_assert_eq(response.body_size, 3);
}

Test(cgi_parse_response, takes_the_status_from_status)
{
    cr_assert_eq(parse("Status: 404 Not Found\nContent-Type: text/plain\n\n"), 0, "%s", error);
    cr_assert_eq(response.status, 404);
    cr_assert_eq(response.header_count, 1);
}

Test(cgi_parse_response, makes_a_location_without_status_a_302)
{
    cr_assert_eq(parse("Location: https://example.test/\n\n"), 0, "%s", error);
    cr_assert_eq(response.status, 302);
}

Test(cgi_parse_response, keeps_the_status_given_with_a_location)
{
    cr_assert_eq(parse("Status: 301\nLocation: /new\n\n"), 0, "%s", error);
    cr_assert_eq(response.status, 301);
}

Test(cgi_parse_response, drops_framing_headers)
{
    cr_assert_eq(parse("Content-Length: 99\nConnection: close\nContent-Type: a/b\n\n"), 0);
    cr_assert_eq(response.header_count, 1);
    cr_assert_str_eq(response.headers[0].name, "Content-Type");
}

Test(cgi_parse_response, refuses_an_answer_without_a_blank_line)
{
    cr_assert_eq(parse("Content-Type: text/plain\nhello"), -1);
    cr_assert_str_eq(error, "no blank line after the headers");
}

Test(cgi_parse_response, refuses_a_body_without_headers)
{
    cr_assert_eq(parse("\nhello"), -1);
    cr_assert_eq(parse("just text\n\n"), -1);
}

Test(cgi_parse_response, refuses_empty_output)
{
    cr_assert_eq(parse(""), -1);
    cr_assert_str_eq(error, "no output");
}

Test(cgi_parse_response, refuses_a_bad_status)
{
    cr_assert_eq(parse("Status: abc\n\n"), -1);
    cr_assert_eq(parse("Status: 99\n\n"), -1);
    cr_assert_eq(parse("Status: 600 Odd\n\n"), -1);
    cr_assert_eq(parse("Status: 1000\n\n"), -1);
}

Test(cgi_parse_response, refuses_a_name_with_spaces)
{
    cr_assert_eq(parse("Bad Name: x\n\n"), -1);
}
