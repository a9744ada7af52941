#include "http_answer.h"

#include <stdlib.h>
#include <string.h>

#include "cgi.h"
#include "common/report.h"

#define ERROR_SIZE          256
#define TEXT_PLAIN          "text/plain; charset=utf-8"
#define INTERNAL_ERROR_TEXT "500 Internal Server Error\n"

static const struct error_text {
    unsigned status;
    const char *text;
} error_texts[] = {
    {MHD_HTTP_NOT_FOUND, "404 Not Found: no route for this path\n"},
    {MHD_HTTP_CONTENT_TOO_LARGE, "413 Content Too Large: the body is over the limit\n"},
    {MHD_HTTP_REQUEST_HEADER_FIELDS_TOO_LARGE,
     "431 Request Header Fields Too Large: the function's environment would not fit\n"},
    {MHD_HTTP_INTERNAL_SERVER_ERROR, INTERNAL_ERROR_TEXT},
    {MHD_HTTP_BAD_GATEWAY, "502 Bad Gateway: the function failed or gave no valid answer\n"},
    {MHD_HTTP_GATEWAY_TIMEOUT, "504 Gateway Timeout: the function ran out of time\n"},
};

struct MHD_Response *http_answer_error(unsigned status, struct http_answer *answer)
{
    const char *text = INTERNAL_ERROR_TEXT;
    for (size_t i = 0; i < sizeof error_texts / sizeof error_texts[0]; i++)
        if (error_texts[i].status == status)
            text = error_texts[i].text;
    *answer = (struct http_answer){.status = status, .bytes = strlen(text)};
    struct MHD_Response *response =
        MHD_create_response_from_buffer(answer->bytes, (void *)text, MHD_RESPMEM_PERSISTENT);
    if (response != NULL)
        MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE, TEXT_PLAIN);
    return response;
}

static struct MHD_Response *malformed(const struct pool_job *job, const char *why,
                                      struct http_answer *answer)
{
    report("%s: the function's answer is not CGI: %s", job->name, why);
    return http_answer_error(MHD_HTTP_BAD_GATEWAY, answer);
}

static struct MHD_Response *from_cgi(struct pool_job *job, struct http_answer *answer)
{
    char why[ERROR_SIZE];
    struct cgi_response cgi;
    if (cgi_parse_response(job->output, job->output_size, &cgi, why, sizeof why) != 0)
        return malformed(job, why, answer);
    if (job->exit_status != 0)
        report("%s: the function exited with status %d", job->name, job->exit_status);
    struct MHD_Response *response =
        MHD_create_response_from_buffer(cgi.body_size, (void *)cgi.body, MHD_RESPMEM_MUST_COPY);
    if (response == NULL)
        return NULL;
    for (size_t i = 0; i < cgi.header_count; i++) {
        if (MHD_add_response_header(response, cgi.headers[i].name, cgi.headers[i].value) ==
            MHD_NO) {
            MHD_destroy_response(response);
            return malformed(job, "a header libmicrohttpd refuses", answer);
        }
    }
    *answer = (struct http_answer){.status = cgi.status, .bytes = cgi.body_size};
    return response;
}

static unsigned failure_status(enum pool_outcome outcome)
{
    switch (outcome) {
    case POOL_TIMED_OUT:
        return MHD_HTTP_GATEWAY_TIMEOUT;
    case POOL_ENV_TOO_LARGE:
        return MHD_HTTP_REQUEST_HEADER_FIELDS_TOO_LARGE;
    case POOL_FAILED:
        return MHD_HTTP_INTERNAL_SERVER_ERROR;
    case POOL_ANSWERED:
    case POOL_CRASHED:
    case POOL_OUTPUT_TOO_LARGE:
        break;
    }
    return MHD_HTTP_BAD_GATEWAY;
}

struct MHD_Response *http_answer_job(struct pool_job *job, struct http_answer *answer)
{
    struct MHD_Response *response;
    if (job->outcome == POOL_ANSWERED)
        response = from_cgi(job, answer);
    else
        response = http_answer_error(failure_status(job->outcome), answer);
    free(job->output);
    job->output = NULL;
    return response;
}
