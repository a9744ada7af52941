/*
 * Queues of threads, first come first served: the run queue and every
 * queue a thread waits on.  A thread is on one queue at a time, linked
 * through its next field.  Plain C with no VM in it: the unit tests link
 * it too.
 */
#ifndef KILN_RUNTIME_WAIT_QUEUE_H
#define KILN_RUNTIME_WAIT_QUEUE_H

#include "thread.h"

void wait_queue_push(struct wait_queue *queue, struct thread *thread);

/* The first thread, taken off; NULL if the queue is empty. */
struct thread *wait_queue_pop(struct wait_queue *queue);

/* Takes thread off queue wherever it is; nothing if it is not there. */
void wait_queue_remove(struct wait_queue *queue, struct thread *thread);

/* Futex waiters share one queue; each notes the address and bitset it
 * waits on.  Wakes (wake(thread) each) up to count of those waiting on
 * addr whose bitset meets bitset, first come first: how many. */
unsigned wait_queue_wake_futex(struct wait_queue *queue, uint64_t addr, unsigned count,
                               uint32_t bitset, void (*wake)(struct thread *thread));

/* Moves up to count waiters from addr to to (futex requeue): how many. */
unsigned wait_queue_requeue_futex(struct wait_queue *queue, uint64_t addr, uint64_t to,
                                  unsigned count);

#endif
