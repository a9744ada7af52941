/*
 * An HTTP function for kiln serve: an ordinary CGI program.  The request
 * comes as the environment (REQUEST_METHOD, PATH_INFO, QUERY_STRING,
 * CONTENT_TYPE, HTTP_* for each header...) with the body on stdin; the
 * answer goes to stdout as headers (Status:, Content-Type:, Location:,
 * any other), a blank line, then the body.  Every request gets a pristine
 * VM: globals and the heap start over each time.
 *
 *   kiln serve --route /hello=function.c
 *   curl 'http://127.0.0.1:8080/hello/world?name=kiln'
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *env(const char *name)
{
    const char *value = getenv(name);
    return value ? value : "";
}

static size_t body_size(void)
{
    char chunk[4096];
    size_t total = 0, got;
    while ((got = fread(chunk, 1, sizeof chunk, stdin)) > 0)
        total += got;
    return total;
}

int main(void)
{
    const char *method = env("REQUEST_METHOD");
    if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0 && strcmp(method, "POST") != 0) {
        printf("Status: 405 Method Not Allowed\nAllow: GET, HEAD, POST\n"
               "Content-Type: text/plain\n\nOnly GET, HEAD and POST here.\n");
        return 0;
    }
    printf("Content-Type: text/plain; charset=utf-8\n\n");
    printf("Hello from kiln!\n");
    printf("%s %s%s\n", method, env("SCRIPT_NAME"), env("PATH_INFO"));
    if (*env("QUERY_STRING"))
        printf("query: %s\n", env("QUERY_STRING"));
    if (strcmp(method, "POST") == 0)
        printf("body: %zu bytes of %s\n", body_size(), env("CONTENT_TYPE"));
    return 0;
}
