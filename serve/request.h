/*
 * One job on a clone fresh from its snapshot: answer READY with the
 * job's environment, run the function to its end with the job's body as
 * stdin, and leave the outcome and stdout in the job.
 */
#ifndef KILN_REQUEST_H
#define KILN_REQUEST_H

#include "monitor/clone.h"
#include "pool.h"
#include "request_io.h"

/* io is the clone's stdio (clone_create()), started anew for the job. */
void request_run(struct clone *clone, struct request_io *io, struct pool_job *job);

#endif
