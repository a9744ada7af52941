/*
 * The HTTP response to a finished job: the function's CGI answer, or the
 * status that says why there is none (502 crashed or malformed, 504 timed
 * out, 431 headers too large, 500 kiln failed), logged with the job's name.
 */
#ifndef KILN_HTTP_ANSWER_H
#define KILN_HTTP_ANSWER_H

#include <microhttpd.h>
#include <stdint.h>

#include "pool.h"

/* What an answer is, for the access log. */
struct http_answer {
    unsigned status;
    uint64_t bytes; /* of the body */
};

/* NULL when out of memory.  Frees the job's output. */
struct MHD_Response *http_answer_job(struct pool_job *job, struct http_answer *answer);

/* A short text/plain answer for an error status. */
struct MHD_Response *http_answer_error(unsigned status, struct http_answer *answer);

#endif
