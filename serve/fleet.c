#include "fleet.h"

#include <stdlib.h>
#include <string.h>

#include "common/report.h"

/* The name of the keeper's thread, as /proc and debuggers show it. */
#define KEEPER_THREAD_NAME "kiln-keeper"

struct fleet {
    pthread_mutex_t lock;
    pthread_cond_t changed; /* a task came, a pool went, or the keeper stops */
    unsigned max_vms;
    unsigned vms;
    unsigned pools;
    struct fleet_link idle;    /* list heads: next is the first */
    struct fleet_link waiting; /* pools */
    struct fleet_task *tasks;
    struct fleet_task **tasks_end;
    bool stopping;
    pthread_t keeper;
};

static void list_init(struct fleet_link *head)
{
    head->prev = head;
    head->next = head;
}

static void list_append(struct fleet_link *head, struct fleet_link *link)
{
    link->prev = head->prev;
    link->next = head;
    head->prev->next = link;
    head->prev = link;
}

static void list_remove(struct fleet_link *link)
{
    link->prev->next = link->next;
    link->next->prev = link->prev;
    link->prev = link->next = NULL;
}

static struct fleet_link *list_after(const struct fleet_link *head, const struct fleet_link *link)
{
    return link->next != head ? link->next : NULL;
}

/* Runs tasks until told to stop; the tasks run unlocked. */
static void *keeper_main(void *arg)
{
    struct fleet *fleet = arg;
    pthread_mutex_lock(&fleet->lock);
    for (;;) {
        while (fleet->tasks == NULL && !fleet->stopping)
            pthread_cond_wait(&fleet->changed, &fleet->lock);
        struct fleet_task *task = fleet->tasks;
        if (task == NULL)
            break;
        fleet->tasks = task->next;
        if (fleet->tasks == NULL)
            fleet->tasks_end = &fleet->tasks;
        pthread_mutex_unlock(&fleet->lock);
        task->run(task);
        pthread_mutex_lock(&fleet->lock);
    }
    pthread_mutex_unlock(&fleet->lock);
    return NULL;
}

static void fleet_free(struct fleet *fleet)
{
    pthread_mutex_destroy(&fleet->lock);
    pthread_cond_destroy(&fleet->changed);
    free(fleet);
}

struct fleet *fleet_start(unsigned max_vms)
{
    struct fleet *fleet = calloc(1, sizeof *fleet);
    if (fleet == NULL) {
        report("serve: out of memory");
        return NULL;
    }
    fleet->max_vms = max_vms;
    fleet->tasks_end = &fleet->tasks;
    list_init(&fleet->idle);
    list_init(&fleet->waiting);
    pthread_mutex_init(&fleet->lock, NULL);
    pthread_cond_init(&fleet->changed, NULL);
    int rc = pthread_create(&fleet->keeper, NULL, keeper_main, fleet);
    if (rc != 0) {
        report("serve: starting the keeper thread: %s", strerror(rc));
        fleet_free(fleet);
        return NULL;
    }
    pthread_setname_np(fleet->keeper, KEEPER_THREAD_NAME);
    return fleet;
}

unsigned fleet_max_vms(const struct fleet *fleet)
{
    return fleet->max_vms;
}

void fleet_stop(struct fleet *fleet)
{
    pthread_mutex_lock(&fleet->lock);
    while (fleet->pools > 0)
        pthread_cond_wait(&fleet->changed, &fleet->lock);
    fleet->stopping = true;
    pthread_cond_broadcast(&fleet->changed);
    pthread_mutex_unlock(&fleet->lock);
    pthread_join(fleet->keeper, NULL);
    fleet_free(fleet);
}

void fleet_lock(struct fleet *fleet)
{
    pthread_mutex_lock(&fleet->lock);
}

void fleet_unlock(struct fleet *fleet)
{
    pthread_mutex_unlock(&fleet->lock);
}

pthread_mutex_t *fleet_mutex(struct fleet *fleet)
{
    return &fleet->lock;
}

bool fleet_take_vm(struct fleet *fleet)
{
    if (fleet->vms >= fleet->max_vms)
        return false;
    fleet->vms++;
    return true;
}

void fleet_return_vm(struct fleet *fleet)
{
    fleet->vms--;
}

unsigned fleet_vms(const struct fleet *fleet)
{
    return fleet->vms;
}

void fleet_idle_add(struct fleet *fleet, struct fleet_link *vm)
{
    list_append(&fleet->idle, vm);
}

void fleet_idle_remove(struct fleet *fleet, struct fleet_link *vm)
{
    (void)fleet;
    list_remove(vm);
}

struct fleet_link *fleet_idle_first(const struct fleet *fleet)
{
    return list_after(&fleet->idle, &fleet->idle);
}

struct fleet_link *fleet_idle_next(const struct fleet *fleet, const struct fleet_link *vm)
{
    return list_after(&fleet->idle, vm);
}

void fleet_waiting_add(struct fleet *fleet, struct fleet_link *pool)
{
    list_append(&fleet->waiting, pool);
}

void fleet_waiting_remove(struct fleet *fleet, struct fleet_link *pool)
{
    (void)fleet;
    list_remove(pool);
}

struct fleet_link *fleet_waiting_first(const struct fleet *fleet)
{
    return list_after(&fleet->waiting, &fleet->waiting);
}

void fleet_run(struct fleet *fleet, struct fleet_task *task)
{
    task->next = NULL;
    *fleet->tasks_end = task;
    fleet->tasks_end = &task->next;
    pthread_cond_broadcast(&fleet->changed);
}

void fleet_pool_opened(struct fleet *fleet)
{
    fleet->pools++;
}

void fleet_pool_gone(struct fleet *fleet)
{
    fleet->pools--;
    pthread_cond_broadcast(&fleet->changed);
}
