/*
 * Every VM kiln serve runs, across all its pools: their count against
 * --max-vms, the idle ones in least-recently-used order (the first to go
 * when another route needs a VM), the pools that wait for a VM, and
 * the keeper: a thread no filter confines, which runs what a
 * confined worker may not (starting a worker thread, freeing a pool).
 * One lock, the fleet's, guards the fleet and every pool in it; pool.c
 * holds the policy, this file the lists and the keeper.
 */
#ifndef KILN_FLEET_H
#define KILN_FLEET_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

/* A link in one of the fleet's lists, inside what it lists. */
struct fleet_link {
    struct fleet_link *prev;
    struct fleet_link *next;
};

/* Something for the keeper to run, inside its argument. */
struct fleet_task {
    void (*run)(struct fleet_task *task);
    struct fleet_task *next;
};

/* Starts the keeper of a fleet of at most max_vms VMs.  NULL if that
 * failed (reported). */
struct fleet *fleet_start(unsigned max_vms);

unsigned fleet_max_vms(const struct fleet *fleet);

/* Waits until no pool is left (fleet_pool_gone()), then stops the keeper
 * and frees the fleet. */
void fleet_stop(struct fleet *fleet);

void fleet_lock(struct fleet *fleet);
void fleet_unlock(struct fleet *fleet);
/* For waiting on a condition under the fleet's lock. */
pthread_mutex_t *fleet_mutex(struct fleet *fleet);

/* The rest is called with the fleet's lock held. */

/* Counts a VM against --max-vms; false when all are taken. */
bool fleet_take_vm(struct fleet *fleet);
void fleet_return_vm(struct fleet *fleet);
/* VMs counted now. */
unsigned fleet_vms(const struct fleet *fleet);

/* The idle VMs, the longest idle first. */
void fleet_idle_add(struct fleet *fleet, struct fleet_link *vm);
void fleet_idle_remove(struct fleet *fleet, struct fleet_link *vm);
struct fleet_link *fleet_idle_first(const struct fleet *fleet);
struct fleet_link *fleet_idle_next(const struct fleet *fleet, const struct fleet_link *vm);

/* The pools that wait for a VM, the longest waiting first. */
void fleet_waiting_add(struct fleet *fleet, struct fleet_link *pool);
void fleet_waiting_remove(struct fleet *fleet, struct fleet_link *pool);
struct fleet_link *fleet_waiting_first(const struct fleet *fleet);

/* Runs task->run(task) on the keeper's thread, soon. */
void fleet_run(struct fleet *fleet, struct fleet_task *task);

/* A pool was opened, or freed: fleet_stop() waits for the last. */
void fleet_pool_opened(struct fleet *fleet);
void fleet_pool_gone(struct fleet *fleet);

#endif
