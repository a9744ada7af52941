#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <jansson.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "serve/admin.h"

#define RESPONSE_MAX 8192

static struct route_table *table;
static struct fleet *fleet;
static struct admin *admin;
static char response[RESPONSE_MAX];

static void start(void)
{
    table = route_table_new();
    cr_assert_not_null(table);
    fleet = fleet_start(7);
    cr_assert_not_null(fleet);
    struct admin_options options = {.host = "127.0.0.1", .table = table, .fleet = fleet};
    admin = admin_start(&options);
    cr_assert_not_null(admin);
    cr_assert_neq(admin_port(admin), 0);
}

static void stop(void)
{
    admin_stop(admin);
    route_table_free(table);
    fleet_stop(fleet);
}

/* Sends request whole and reads the answer until the server closes. */
static const char *ask(const char *request)
{
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons(admin_port(admin))};
    inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    cr_assert_geq(fd, 0);
    cr_assert_eq(connect(fd, (struct sockaddr *)&address, sizeof address), 0);
    cr_assert_eq(write(fd, request, strlen(request)), (ssize_t)strlen(request));
    size_t size = 0;
    ssize_t got;
    while ((got = read(fd, response + size, sizeof response - 1 - size)) > 0)
        size += (size_t)got;
    close(fd);
    response[size] = '\0';
    return response;
}

static const char *body_of(const char *answer)
{
    const char *body = strstr(answer, "\r\n\r\n");
    cr_assert_not_null(body);
    return body + 4;
}

Test(admin, stats_are_json_with_the_bound_and_every_route, .init = start, .fini = stop)
{
    const char *answer = ask("GET /_kiln/stats HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    cr_assert(strncmp(answer, "HTTP/1.1 200 ", 13) == 0, "%s", answer);
    cr_assert_not_null(strstr(answer, "Content-Type: application/json\r\n"));
    json_error_t error;
    json_t *root = json_loads(body_of(answer), 0, &error);
    cr_assert_not_null(root, "%s", error.text);
    cr_assert_eq(json_integer_value(json_object_get(root, "max_vms")), 7);
    cr_assert_eq(json_integer_value(json_object_get(root, "vms")), 0);
    cr_assert(json_is_array(json_object_get(root, "routes")));
    cr_assert_eq(json_array_size(json_object_get(root, "routes")), 0);
    json_decref(root);
}

Test(admin, another_path_is_not_found, .init = start, .fini = stop)
{
    const char *answer = ask("GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    cr_assert(strncmp(answer, "HTTP/1.1 404 ", 13) == 0, "%s", answer);
}

Test(admin, another_method_is_not_allowed, .init = start, .fini = stop)
{
    const char *answer = ask("POST /_kiln/stats HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n"
                             "Connection: close\r\n\r\nhi");
    cr_assert(strncmp(answer, "HTTP/1.1 405 ", 13) == 0, "%s", answer);
    cr_assert_not_null(strstr(answer, "Allow: GET\r\n"));
}

Test(admin, a_listener_that_cannot_bind_is_refused)
{
    struct admin_options options = {.host = "192.0.2.1", .port = 1};
    cr_assert_null(admin_start(&options));
}
