/*
 * One job on a clone fresh from its snapshot: answer READY with the
 * job's environment, run the function to its end with the job's body as
 * stdin, and leave the outcome and stdout in the job.
 */
#ifndef KILN_REQUEST_H
#define KILN_REQUEST_H

#include "clone.h"
#include "pool.h"

void request_run(struct clone *clone, struct pool_job *job);

#endif
